package dev.rpcharness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Selects which provider a {@link dev.rpcharness.provider.FakeProvider} parameter receives (0-based). */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Provider {

    /** The provider's index in the cluster. */
    int value();
}
