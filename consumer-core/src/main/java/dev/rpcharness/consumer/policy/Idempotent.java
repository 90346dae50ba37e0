package dev.rpcharness.consumer.policy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service method whose repeated execution is harmless: a call that may already have reached a provider
 * may then be retried or hedged on another one (docs/call-policies.md). Without it a method is executed at most
 * once: only a call that was never written moves to another provider.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {
}
