package io.vsync.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method that receives every new {@link io.vsync.api.View} of a group (members
 * in rank order, and who joined, left or failed), in view order, on the group's delivery
 * thread. The method takes exactly one parameter of type {@code View}.
 *
 * <pre>{@code
 * @OnViewChange(group = "accounts")
 * void viewChanged(View view) { log.info("members now {}", view.members()); }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnViewChange {

    /** Alias for {@link #group()}. */
    @AliasFor("group")
    String value() default "";

    /** Name of the group, as configured under {@code vsync.groups}. */
    @AliasFor("value")
    String group() default "";
}
