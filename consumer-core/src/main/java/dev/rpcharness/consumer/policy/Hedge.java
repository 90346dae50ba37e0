package dev.rpcharness.consumer.policy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Hedging of an {@link Idempotent} service method (docs/call-policies.md): when no answer came {@link #delayMillis()}
 * after the last attempt started, another attempt goes to another provider, up to {@link #maxAttempts()} in all;
 * the first answer ends the call and the other attempts are cancelled.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Hedge {

    /** How long to wait for an answer before the next attempt, in milliseconds; above 0. */
    long delayMillis();

    /** Attempts in all, the first included; 2 to {@value CallPolicy#MAX_ATTEMPTS_LIMIT}. */
    int maxAttempts() default 2;
}
