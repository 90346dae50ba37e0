package dev.rpcharness.provider.internal.server;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * The provider's answer to class names in a call's payload: none is ever resolved. A served method's parameter
 * type that asks for class-name type ids ({@code @JsonTypeInfo(use = Id.CLASS)} or {@code MINIMAL_CLASS}) gets an
 * error naming the argument instead of loading the named class (its static initialiser never runs). Logical type
 * names ({@code Id.NAME}) do not pass through here and keep working. Stateless and thread-safe.
 */
final class DeclaredTypesOnly extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return Validity.DENIED;
    }
}
