package io.vsync.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as the handler of one message type of a group.
 *
 * <p>The first parameter's type selects the messages: a message is delivered to the handler
 * whose parameter type is the most specific supertype of the payload's class. An optional
 * second parameter of type {@link io.vsync.api.DeliveryInfo} receives the delivery's metadata
 * (sender, view, kind). A non-void return value is reserved as the reply when the message came
 * as a query.
 *
 * <pre>{@code
 * @GroupHandler(group = "accounts")
 * void on(Deposit deposit, DeliveryInfo info) { ... }
 * }</pre>
 *
 * <p>Handlers of one group run one at a time, in delivery order. The group must be configured
 * under {@code vsync.groups}; one group may have only one handler per payload type. Misuse is
 * reported when the application starts. May be used as a meta-annotation to compose your own.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GroupHandler {

    /** Alias for {@link #group()}. */
    @AliasFor("group")
    String value() default "";

    /** Name of the group, as configured under {@code vsync.groups}. */
    @AliasFor("value")
    String group() default "";
}
