package dev.rpcharness.link.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcharness.link.Link;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.link.ToxicType;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Links and toxics to and from Toxiproxy 2.x's JSON. A field of the wrong kind is an {@link ApiError} 400 naming
 * the field and the value. Stateless and thread-safe.
 */
final class ToxiproxyJson {

    private final ObjectMapper mapper;

    ToxiproxyJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode proxy(Link link) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", link.name());
        n.put("listen", link.address());
        n.put("upstream", link.upstream().getHostString() + ":" + link.upstream().getPort());
        n.put("enabled", link.isEnabled());
        ArrayNode toxics = n.putArray("toxics");
        link.toxics().forEach(t -> toxics.add(toxic(t)));
        return n;
    }

    ObjectNode toxic(Toxic t) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", t.name());
        n.put("type", t.type().wireName());
        n.put("stream", t.stream().wireName());
        n.put("toxicity", t.toxicity());
        ObjectNode attributes = n.putObject("attributes");
        t.attributes().forEach(attributes::put);
        return n;
    }

    /** A new toxic from a create request: type needed; stream downstream, toxicity 1 and name type_stream by default. */
    Toxic toxicFrom(JsonNode body) {
        String type = text(body, "type", null);
        if (type == null) {
            throw new ApiError(400, "toxic needs a type");
        }
        try {
            return new Toxic(text(body, "name", null), ToxicType.fromWireName(type),
                    LinkDirection.fromWireName(text(body, "stream", "downstream")),
                    number(body, "toxicity", 1.0), attributes(body));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    /** An update: toxicity and the attributes given replace the old ones; the rest stays. */
    Toxic updated(Toxic old, JsonNode body) {
        try {
            Toxic t = old.withAttributes(attributes(body));
            return body.has("toxicity") ? t.withToxicity(number(body, "toxicity", 1.0)) : t;
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    /** {@code host:port} from a field; a missing port or a bad one is a 400 naming the field. */
    InetSocketAddress address(JsonNode body, String field, String fallback) {
        String value = text(body, field, fallback);
        if (value == null) {
            throw new ApiError(400, "proxy needs " + field + " (host:port)");
        }
        int colon = value.lastIndexOf(':');
        try {
            String host = colon <= 0 ? "" : value.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(value.substring(colon + 1));
            if (host.isEmpty() || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (RuntimeException e) {
            throw new ApiError(400, field + " must be host:port, was '" + value + "'");
        }
    }

    String text(JsonNode body, String field, String fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new ApiError(400, field + " must be a string, was " + n);
        }
        return n.asText();
    }

    boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new ApiError(400, field + " must be true or false, was " + n);
        }
        return n.asBoolean();
    }

    private static double number(JsonNode body, String field, double fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new ApiError(400, field + " must be a number, was " + n);
        }
        return n.asDouble();
    }

    private static Map<String, Long> attributes(JsonNode body) {
        Map<String, Long> result = new LinkedHashMap<>();
        JsonNode attributes = body.get("attributes");
        if (attributes == null || attributes.isNull()) {
            return result;
        }
        if (!attributes.isObject()) {
            throw new ApiError(400, "attributes must be an object, was " + attributes);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber() || e.getValue().asDouble() != Math.rint(e.getValue().asDouble())) {
                throw new ApiError(400, "attribute " + e.getKey() + " must be a whole number, was " + e.getValue());
            }
            result.put(e.getKey(), e.getValue().asLong());
        }
        return result;
    }
}
