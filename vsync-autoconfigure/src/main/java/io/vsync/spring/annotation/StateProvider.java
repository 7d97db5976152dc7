package io.vsync.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks the bean method that produces a group's state for a joining member: no parameters,
 * returns the state object (encoded with the group's payload codec). It runs on the delivery
 * thread, between two deliveries, so the state is exactly the one after the last delivered
 * message. A group has at most one provider, and has one exactly when it has a
 * {@link StateLoader}, whose parameter type must accept the provider's return type.
 *
 * <pre>{@code
 * @StateProvider(group = "accounts")
 * Balances snapshot() { return new Balances(Map.copyOf(balances)); }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StateProvider {

    /** Alias for {@link #group()}. */
    @AliasFor("group")
    String value() default "";

    /** Name of the group, as configured under {@code vsync.groups}. */
    @AliasFor("value")
    String group() default "";
}
