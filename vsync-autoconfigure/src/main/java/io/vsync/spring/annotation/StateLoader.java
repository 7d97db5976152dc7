package io.vsync.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks the bean method that installs the state received when this member joins a group:
 * exactly one parameter, whose type accepts what the group's {@link StateProvider} returns.
 * It runs before the first message of the member's first view is delivered.
 *
 * <pre>{@code
 * @StateLoader(group = "accounts")
 * void restore(Balances state) { balances.clear(); balances.putAll(state.balances()); }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StateLoader {

    /** Alias for {@link #group()}. */
    @AliasFor("group")
    String value() default "";

    /** Name of the group, as configured under {@code vsync.groups}. */
    @AliasFor("value")
    String group() default "";
}
