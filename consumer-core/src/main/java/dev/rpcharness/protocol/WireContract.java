package dev.rpcharness.protocol;

/**
 * The constants of the wire and registry contract (docs/wire-contract.md): the request path, the header names and the
 * layout of the provider registry in ZooKeeper. Shared by the consumer and every provider of the project.
 */
public final class WireContract {

    /** The path every call is POSTed to. */
    public static final String CALL_PATH = "/rpc";
    /** Header carrying the request id on calls and results. */
    public static final String REQUEST_ID_HEADER = "X-Rpc-Request-Id";
    /** Optional header carrying the caller's remaining budget in milliseconds. */
    public static final String TIMEOUT_HEADER = "X-Rpc-Timeout-Ms";
    /**
     * Optional header carrying the caller's deadline as wall-clock epoch milliseconds: a provider that reads the
     * call after it (a frozen provider, thawed) may drop it unrun, since the caller has given up.
     */
    public static final String DEADLINE_HEADER = "X-Rpc-Deadline-Ms";
    /**
     * Optional header carrying the call's sequence number in the consumer's call history (sent only when the
     * consumer records one); fake providers draw probabilistic faults from it, other providers ignore it.
     */
    public static final String CALL_SEQ_HEADER = "X-Rpc-Call-Seq";
    /**
     * Optional header naming the consumer client that sent the call (the same on every request of one client); fake
     * providers key their executed-call log by it and mix it into their fault draws, other providers ignore it.
     */
    public static final String CLIENT_ID_HEADER = "X-Rpc-Client-Id";
    /**
     * Optional header carrying the attempt's number (1, 2, ...) of a call made under a call policy with more than one
     * attempt (docs/call-policies.md); absent on calls made once. Providers' executed-call logs tell attempts apart
     * by it; other providers ignore it.
     */
    public static final String ATTEMPT_HEADER = "X-Rpc-Attempt";
    /**
     * Optional header of an answer by which the provider asks the consumer not to retry the call elsewhere
     * ({@code stop}, or any value that is not a decimal number) or to wait at least that many milliseconds before
     * the retry (docs/call-policies.md, "Pushback"). Only calls made under a call policy retry at all.
     */
    public static final String PUSHBACK_HEADER = "X-Rpc-Pushback";
    /** Content type of calls and results. */
    public static final String CONTENT_TYPE = "application/json";
    /** Default ZooKeeper base path of the registry. */
    public static final String DEFAULT_BASE_PATH = "/rpc";

    private WireContract() {
    }

    /** The parent node of the providers' ephemeral nodes, for example {@code /rpc/providers}. */
    public static String providersPath(String basePath) {
        String base = normalizeBasePath(basePath);
        return (base.equals("/") ? "" : base) + "/providers";
    }

    /** The ephemeral node of one provider, for example {@code /rpc/providers/127.0.0.1:20881}. */
    public static String providerNodePath(String basePath, String host, int port) {
        return providersPath(basePath) + "/" + host + ":" + port;
    }

    /**
     * Checks and normalises a registry base path: it must start with a slash; a trailing slash is dropped.
     *
     * @throws IllegalArgumentException naming the offending path
     */
    public static String normalizeBasePath(String basePath) {
        if (basePath == null || basePath.isBlank() || basePath.charAt(0) != '/') {
            throw new IllegalArgumentException("registry base path must start with '/': '" + basePath + "'");
        }
        if (basePath.length() > 1 && basePath.endsWith("/")) {
            return basePath.substring(0, basePath.length() - 1);
        }
        return basePath;
    }
}
