package dev.rpcharness.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of one provider's registry node: {@code {"host":"127.0.0.1","port":20881,"services":[...],"weight":1}}.
 * Immutable.
 *
 * @param host     host the provider listens on
 * @param port     port the provider listens on
 * @param services fully qualified names of the interfaces it serves; a node listing none serves none
 * @param weight   relative weight, 1 when absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProviderNode(String host, int port, List<String> services, int weight) {

    public ProviderNode {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("provider host is missing");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("provider port " + port + " is out of range 1..65535");
        }
        services = services == null ? List.of() : List.copyOf(services);
        weight = weight <= 0 ? 1 : weight;
    }

    /**
     * A node for a provider known only by address, as in direct mode; the client takes a direct address to serve
     * every interface (the node itself lists none).
     */
    public static ProviderNode ofAddress(String host, int port) {
        return new ProviderNode(host, port, List.of(), 1);
    }

    /** "host:port", the name of the node under {@code /rpc/providers}. */
    public String address() {
        return host + ":" + port;
    }

    /** Whether this node lists the interface; a node that lists no services serves none. */
    public boolean serves(String serviceName) {
        return services.contains(serviceName);
    }

    /** The node's data as UTF-8 JSON bytes. */
    public byte[] toJson(ObjectMapper mapper) {
        try {
            return mapper.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode provider node " + address(), e);
        }
    }

    /**
     * Parses a node's data.
     *
     * @param path the node's path, named in the error
     * @throws InvalidProviderNodeException when the data is not JSON or lacks a usable host and port
     */
    public static ProviderNode parse(String path, byte[] data, ObjectMapper mapper) {
        if (data == null || data.length == 0) {
            throw new InvalidProviderNodeException(path, "node has no data");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(data);
        } catch (IOException e) {
            throw new InvalidProviderNodeException(path, "data is not JSON: " + preview(data));
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidProviderNodeException(path, "data is not a JSON object: " + preview(data));
        }
        JsonNode host = tree.get("host");
        JsonNode port = tree.get("port");
        if (host == null || !host.isTextual() || host.asText().isBlank()) {
            throw new InvalidProviderNodeException(path, "no usable \"host\" in " + preview(data));
        }
        if (port == null || !port.canConvertToInt() || !port.isIntegralNumber()) {
            throw new InvalidProviderNodeException(path, "no usable \"port\" in " + preview(data));
        }
        List<String> services = new ArrayList<>();
        JsonNode list = tree.get("services");
        if (list != null && list.isArray()) {
            list.forEach(s -> {
                if (s.isTextual()) {
                    services.add(s.asText());
                }
            });
        }
        JsonNode weight = tree.get("weight");
        try {
            return new ProviderNode(host.asText(), port.asInt(), services,
                    weight != null && weight.canConvertToInt() ? weight.asInt() : 1);
        } catch (IllegalArgumentException e) {
            throw new InvalidProviderNodeException(path, e.getMessage());
        }
    }

    private static String preview(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
