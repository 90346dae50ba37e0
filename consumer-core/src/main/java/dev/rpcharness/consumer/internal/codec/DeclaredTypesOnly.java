package dev.rpcharness.consumer.internal.codec;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * The consumer's answer to class names in a provider's result: a class-name type id
 * ({@code @JsonTypeInfo(use = Id.CLASS)} or {@code MINIMAL_CLASS} on a type or field of the declared return type)
 * is accepted only when it names exactly the declared type there. Any other name (a subclass, an unrelated class)
 * is refused by name, before any class is loaded, so a provider cannot choose which classes the consumer loads
 * or builds; the call then ends with a protocol error naming the method and the provider. Logical type names
 * ({@code Id.NAME}) do not pass through here and keep working. Stateless and thread-safe.
 */
public final class DeclaredTypesOnly extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    /** Sets this validator on {@code mapper} and returns it. */
    public static ObjectMapper applyTo(ObjectMapper mapper) {
        mapper.setPolymorphicTypeValidator(new DeclaredTypesOnly());
        return mapper;
    }

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        return baseType.getRawClass().getName().equals(subClassName) ? Validity.ALLOWED : Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return subType.getRawClass() == baseType.getRawClass() ? Validity.ALLOWED : Validity.DENIED;
    }
}
