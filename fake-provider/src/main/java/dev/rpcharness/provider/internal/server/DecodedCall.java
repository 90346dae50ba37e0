package dev.rpcharness.provider.internal.server;

import java.util.List;

/**
 * One call as read from the body of {@code POST /rpc}, already bound: the method it names (or why it names none)
 * and its arguments in their declared types (or why they do not bind). Immutable once built by
 * {@link CallDecoder}; handed from the event loop to the worker pool safely.
 */
final class DecodedCall {

    /** The body's {@code requestId}; null when absent, or not kept because the request's header gave the id. */
    final String requestId;
    final String className;
    final String methodName;
    final List<String> parameterTypes;
    /** The served method, or null when the call names none ({@link #unknownTarget} says why). */
    final ServiceTable.Binding binding;
    final ServiceTable.UnknownTargetException unknownTarget;
    /** The arguments in their declared types; null when {@link #argumentError} is set or nothing was bound. */
    final Object[] args;
    /** Why the arguments do not fit the method (answered as the call's error), or null. */
    final RuntimeException argumentError;

    DecodedCall(String requestId, String className, String methodName, List<String> parameterTypes,
                ServiceTable.Binding binding, ServiceTable.UnknownTargetException unknownTarget, Object[] args,
                RuntimeException argumentError) {
        this.requestId = requestId;
        this.className = className;
        this.methodName = methodName;
        this.parameterTypes = parameterTypes;
        this.binding = binding;
        this.unknownTarget = unknownTarget;
        this.args = args;
        this.argumentError = argumentError;
    }

    /** "SimpleInterfaceName#method", as error messages name a method. */
    String label() {
        String simple = className == null ? "?" : className.substring(className.lastIndexOf('.') + 1);
        return simple + "#" + methodName;
    }

    /**
     * The name the provider's statistics count this call under: the method's name when it names a served method,
     * else {@link CallCounters#UNKNOWN_METHOD}, so callers cannot grow the statistics without bound.
     */
    String statsKey() {
        return binding != null ? binding.method.getName() : CallCounters.UNKNOWN_METHOD;
    }
}
