package dev.rpcharness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks for an {@link dev.rpcharness.consumer.AsyncObjectProxy} of the given interface on the cluster's default
 * client: {@code @Async(HelloService.class) AsyncObjectProxy hello}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Async {

    /** The service interface to call. */
    Class<?> value();
}
