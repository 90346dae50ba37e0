package dev.rpcharness.link.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcharness.link.Link;
import dev.rpcharness.link.LinkException;
import dev.rpcharness.link.Links;
import dev.rpcharness.link.Toxic;
import java.net.InetSocketAddress;
import java.util.Comparator;

/**
 * Toxiproxy 2.x's routes over a {@link Links}: one method per endpoint, from a parsed request to a response.
 * Refusals are {@link ApiError}s with Toxiproxy's statuses (404 unknown, 409 exists, 400 bad input).
 * Thread-safe as far as {@link Links} and {@link Link} are.
 */
final class ToxiproxyRoutes {

    /** The version /version answers with: the Toxiproxy API version this one follows. */
    static final String VERSION = "2.12.0";

    /** A response: status and a JSON body, a text body, or neither (204). */
    record Response(int status, JsonNode json, String text) {
        static Response json(int status, JsonNode body) {
            return new Response(status, body, null);
        }

        static Response empty() {
            return new Response(204, null, null);
        }
    }

    private final Links links;
    private final ObjectMapper mapper;
    private final ToxiproxyJson json;

    ToxiproxyRoutes(Links links, ObjectMapper mapper) {
        this.links = links;
        this.mapper = mapper;
        this.json = new ToxiproxyJson(mapper);
    }

    /** Routes one request; {@code body} is an empty object when the request had none. */
    Response handle(String method, String path, JsonNode body) {
        String[] parts = path.replaceAll("/+$", "").split("/");
        // parts[0] is "" (the path starts with '/')
        if (parts.length == 2 && parts[1].equals("version") && method.equals("GET")) {
            return new Response(200, null, VERSION);
        }
        if (parts.length == 2 && parts[1].equals("reset") && method.equals("POST")) {
            links.reset();
            return Response.empty();
        }
        if (parts.length == 2 && parts[1].equals("populate") && method.equals("POST")) {
            return populate(body);
        }
        if (parts.length >= 2 && parts[1].equals("proxies")) {
            if (parts.length == 2) {
                return switch (method) {
                    case "GET" -> Response.json(200, allProxies());
                    case "POST" -> Response.json(201, json.proxy(create(body)));
                    default -> throw notAllowed(method, path);
                };
            }
            Link link = link(parts[2]);
            if (parts.length == 3) {
                return switch (method) {
                    case "GET" -> Response.json(200, json.proxy(link));
                    case "POST", "PATCH" -> Response.json(200, json.proxy(update(link, body)));
                    case "DELETE" -> {
                        links.remove(link.name());
                        yield Response.empty();
                    }
                    default -> throw notAllowed(method, path);
                };
            }
            if (parts[3].equals("toxics")) {
                return toxics(method, path, link, parts, body);
            }
        }
        throw new ApiError(404, "no route for " + method + " " + path);
    }

    private Response toxics(String method, String path, Link link, String[] parts, JsonNode body) {
        if (parts.length == 4) {
            return switch (method) {
                case "GET" -> {
                    ArrayNode all = mapper.createArrayNode();
                    link.toxics().forEach(t -> all.add(json.toxic(t)));
                    yield Response.json(200, all);
                }
                case "POST" -> {
                    Toxic t = json.toxicFrom(body);
                    try {
                        link.addToxic(t);
                    } catch (LinkException e) {
                        throw new ApiError(409, "toxic already exists: " + t.name());
                    }
                    yield Response.json(200, json.toxic(t));
                }
                default -> throw notAllowed(method, path);
            };
        }
        if (parts.length != 5) {
            throw new ApiError(404, "no route for " + method + " " + path);
        }
        Toxic toxic = link.toxic(parts[4]);
        if (toxic == null) {
            throw new ApiError(404, "toxic not found: " + parts[4] + " on proxy " + link.name());
        }
        return switch (method) {
            case "GET" -> Response.json(200, json.toxic(toxic));
            case "POST", "PATCH" -> {
                Toxic next = json.updated(toxic, body);
                link.updateToxic(next);
                yield Response.json(200, json.toxic(next));
            }
            case "DELETE" -> {
                link.removeToxic(toxic.name());
                yield Response.empty();
            }
            default -> throw notAllowed(method, path);
        };
    }

    private ObjectNode allProxies() {
        ObjectNode all = mapper.createObjectNode();
        links.all().stream().sorted(Comparator.comparing(Link::name)).forEach(l -> all.set(l.name(), json.proxy(l)));
        return all;
    }

    private Link create(JsonNode body) {
        String name = json.text(body, "name", null);
        if (name == null || name.isBlank()) {
            throw new ApiError(400, "proxy needs a name");
        }
        InetSocketAddress listen = json.address(body, "listen", "127.0.0.1:0");
        InetSocketAddress upstream = json.address(body, "upstream", null);
        boolean enabled = json.bool(body, "enabled", true);
        if (links.get(name) != null) {
            throw new ApiError(409, "proxy already exists: " + name);
        }
        try {
            return links.create(name, listen, upstream, enabled);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        } catch (LinkException e) {
            throw new ApiError(e.getMessage().contains("already exists") ? 409 : 500, e.getMessage());
        }
    }

    private Link update(Link link, JsonNode body) {
        if (body.has("upstream")) {
            link.upstream(json.address(body, "upstream", null));
        }
        if (body.has("listen")) {
            InetSocketAddress listen = json.address(body, "listen", null);
            if (!listen.equals(link.listenAddress())) {
                try {
                    link.listenOn(listen);
                } catch (LinkException e) {
                    throw new ApiError(500, e.getMessage());
                }
            }
        }
        if (body.has("enabled")) {
            if (json.bool(body, "enabled", true)) {
                link.enable();
            } else {
                link.disable();
            }
        }
        return link;
    }

    /** Creates the proxies listed, replacing those of the same name; answers {"proxies": [...]} with 201. */
    private Response populate(JsonNode body) {
        if (!body.isArray()) {
            throw new ApiError(400, "populate needs a JSON array of proxies, was " + body);
        }
        ArrayNode created = mapper.createArrayNode();
        for (JsonNode p : body) {
            String name = json.text(p, "name", null);
            if (name != null && links.get(name) != null) {
                links.remove(name);
            }
            created.add(json.proxy(create(p)));
        }
        ObjectNode result = mapper.createObjectNode();
        result.set("proxies", created);
        return Response.json(201, result);
    }

    private Link link(String name) {
        Link link = links.get(name);
        if (link == null) {
            throw new ApiError(404, "proxy not found: " + name);
        }
        return link;
    }

    private static ApiError notAllowed(String method, String path) {
        return new ApiError(405, method + " is not allowed on " + path);
    }
}
