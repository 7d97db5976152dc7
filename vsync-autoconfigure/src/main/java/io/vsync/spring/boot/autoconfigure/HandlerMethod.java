package io.vsync.spring.boot.autoconfigure;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

import io.vsync.api.DeliveryInfo;
import io.vsync.api.Group;
import io.vsync.api.MemberId;
import io.vsync.api.View;
import io.vsync.api.VsyncEngine;

/** One annotated method of one bean, validated, ready to invoke. */
final class HandlerMethod {

    enum Kind {

        MESSAGE("@GroupHandler"), VIEW("@OnViewChange"), STATE_PROVIDER("@StateProvider"), STATE_LOADER("@StateLoader");

        final String annotation;

        Kind(String annotation) {
            this.annotation = annotation;
        }

    }

    private static final List<Class<?>> NOT_PAYLOADS = List.of(Object.class, DeliveryInfo.class, View.class,
            MemberId.class, Group.class, VsyncEngine.class);

    final Kind kind;

    final String group;

    final String beanName;

    final Object bean;

    final Method method;

    final Method invocable;

    /**
     * Payload type (messages), state type (provider's return, loader's parameter; null when the
     * state is streamed), else null.
     */
    final @Nullable Class<?> type;

    /** Whether a message handler takes a DeliveryInfo second parameter. */
    final boolean withInfo;

    /** Whether a message handler returns a value: its reply to a query. */
    final boolean returnsReply;

    /** Whether a state method streams: the provider writes to an OutputStream, the loader reads an InputStream. */
    final boolean streaming;

    private HandlerMethod(Kind kind, String group, String beanName, Object bean, Method method, Method invocable,
            @Nullable Class<?> type, boolean withInfo, boolean returnsReply, boolean streaming) {
        this.kind = kind;
        this.group = group;
        this.beanName = beanName;
        this.bean = bean;
        this.method = method;
        this.invocable = invocable;
        this.type = type;
        this.withInfo = withInfo;
        this.returnsReply = returnsReply;
        this.streaming = streaming;
    }

    /**
     * Validates the method's signature and builds the handler.
     * @param problems receives what is wrong; the result is null when something is
     */
    static @Nullable HandlerMethod create(Kind kind, String group, String beanName, Object bean, Method method,
            Method invocable, List<String> problems) {
        String where = kind.annotation + " method " + describe(method) + " of bean '" + beanName + "'";
        int before = problems.size();
        if (group.isBlank()) {
            problems.add(where + " names no group: set group = \"...\" to a group configured under vsync.groups");
        }
        Class<?>[] params = method.getParameterTypes();
        Type[] generic = method.getGenericParameterTypes();
        Class<?> type = null;
        boolean withInfo = false;
        boolean streaming = false;
        switch (kind) {
            case MESSAGE -> {
                if (params.length < 1 || params.length > 2) {
                    problems.add(where + " must take the payload as its first parameter and optionally a DeliveryInfo"
                            + " as its second; it takes " + params.length + " parameters");
                }
                else {
                    type = params[0];
                    checkDecodable(where, "payload", params[0], generic[0], problems);
                    if (params.length == 2) {
                        if (params[1] != DeliveryInfo.class) {
                            problems.add(where + " may only take a DeliveryInfo as its second parameter, not "
                                    + params[1].getName());
                        }
                        withInfo = true;
                    }
                }
            }
            case VIEW -> {
                if (params.length != 1 || params[0] != View.class) {
                    problems.add(where + " must take exactly one parameter of type io.vsync.api.View");
                }
            }
            case STATE_PROVIDER -> {
                Class<?> returned = method.getReturnType();
                boolean returnsVoid = returned == void.class || returned == Void.class;
                if (params.length == 1 && params[0] == OutputStream.class) {
                    streaming = true;
                    if (!returnsVoid) {
                        problems.add(where + " writes the state to its OutputStream, so it must return void");
                    }
                }
                else if (params.length != 0) {
                    problems.add(where + " must either take no parameters and return the state, or take a"
                            + " java.io.OutputStream and write the state to it");
                }
                else if (returnsVoid) {
                    problems.add(where + " must return the state (it returns void), or take a java.io.OutputStream"
                            + " and write the state to it");
                }
                else {
                    type = ClassUtils.resolvePrimitiveIfNecessary(returned);
                    checkDecodable(where, "state", returned, method.getGenericReturnType(), problems);
                }
            }
            case STATE_LOADER -> {
                if (params.length != 1) {
                    problems.add(where + " must take exactly one parameter: the state, or a java.io.InputStream to"
                            + " read it from");
                }
                else if (params[0] == InputStream.class) {
                    streaming = true;
                }
                else {
                    type = params[0];
                    checkDecodable(where, "state", params[0], generic[0], problems);
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        boolean returnsReply = kind == Kind.MESSAGE && method.getReturnType() != void.class
                && method.getReturnType() != Void.class;
        return new HandlerMethod(kind, group, beanName, bean, method, invocable, type, withInfo, returnsReply,
                streaming);
    }

    /** Whether the codec can rebuild a value of this type from a payload that names its class. */
    private static void checkDecodable(String where, String what, Class<?> type, Type genericType,
            List<String> problems) {
        String prefix = where + ": " + what + " type " + genericType.getTypeName() + " cannot be decoded: ";
        if (type.isPrimitive()) {
            problems.add(prefix + "use a record or class (payloads carry their class name), not a primitive");
        }
        else if (type.isArray()) {
            problems.add(prefix + "wrap the array in a record");
        }
        else if (NOT_PAYLOADS.contains(type)) {
            problems.add(prefix + "declare the message's own type"
                    + (type == Object.class ? " (Object would let a payload name any class)" : ""));
        }
        else if (!(genericType instanceof Class<?>)) {
            problems.add(prefix + "a payload names only its raw class, so generic types lose their type"
                    + " arguments; wrap it in a record");
        }
        else if (type.isAnonymousClass() || type.isLocalClass()
                || (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()))) {
            problems.add(prefix + "local, anonymous and inner (non-static) classes cannot be created by Jackson;"
                    + " use a top-level or static nested type");
        }
    }

    /** Invokes the method, unwrapping the exception the method threw. */
    @Nullable Object invoke(@Nullable Object... args) throws Throwable {
        try {
            return this.invocable.invoke(this.bean, args);
        }
        catch (InvocationTargetException ex) {
            throw ex.getTargetException();
        }
    }

    String describe() {
        return describe(this.method) + " of bean '" + this.beanName + "'";
    }

    static String describe(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                + ")";
    }

    static List<String> describeAll(List<HandlerMethod> methods) {
        List<String> result = new ArrayList<>();
        for (HandlerMethod method : methods) {
            result.add(method.describe());
        }
        return result;
    }

    @Override
    public String toString() {
        return this.kind.annotation + "(group = \"" + this.group + "\") " + describe();
    }

}
