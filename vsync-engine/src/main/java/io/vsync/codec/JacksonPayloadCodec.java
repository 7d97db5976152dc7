package io.vsync.codec;

import io.vsync.api.PayloadCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * Application payloads through Jackson: CBOR by default, JSON or any configured
 * {@link ObjectMapper} (the Spring layer passes the application's own).
 *
 * <p>Payload bytes are {@code [typeNameLen:uint16][type name, UTF-8][Jackson body]}, the type
 * name being the payload's class name. Decoding resolves that name only through the
 * {@link ClassResolver} it is given (the group's registered handler types), never by
 * {@code Class.forName}, and the mapper is used without default typing, so a hostile payload
 * cannot make the engine instantiate a type nobody registered.
 *
 * <p>Jackson 3's defaults apply unless the given mapper changes them; notably unknown
 * properties are ignored, so members running a newer version of a payload record that added
 * fields still interoperate. Trailing bytes after the value are always refused.
 */
public final class JacksonPayloadCodec implements PayloadCodec {
    private static final int MAX_TYPE_NAME_BYTES = 0xFFFF;

    private final ObjectMapper mapper;
    /** Readers per class, each failing on trailing garbage after the value. */
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    /** The default: CBOR, compact and fast. */
    public JacksonPayloadCodec() {
        this(CBORMapper.builder().build());
    }

    /** @param mapper any Jackson mapper (its format and configuration are used as given) */
    public JacksonPayloadCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public static JacksonPayloadCodec cbor() {
        return new JacksonPayloadCodec();
    }

    /** JSON: larger and slower than CBOR, but readable in a packet capture. */
    public static JacksonPayloadCodec json() {
        return new JacksonPayloadCodec(JsonMapper.builder().build());
    }

    @Override
    public byte[] encode(Object payload) {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
        byte[] typeName = payload.getClass().getName().getBytes(StandardCharsets.UTF_8);
        if (typeName.length > MAX_TYPE_NAME_BYTES) {
            throw new IllegalArgumentException("type name too long: " + payload.getClass().getName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + typeName.length);
        out.write(typeName.length >>> 8);
        out.write(typeName.length & 0xFF);
        out.writeBytes(typeName);
        try {
            mapper.writeValue(out, payload);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot encode " + payload.getClass().getName() + ": "
                    + e.getOriginalMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes, ClassResolver resolver) {
        if (bytes == null) {
            throw new IllegalArgumentException("payload too short for a type name header");
        }
        return decode(bytes, 0, bytes.length, resolver);
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, ClassResolver resolver) {
        if (bytes == null || offset < 0 || length < 2 || offset + length > bytes.length) {
            throw new IllegalArgumentException("payload too short for a type name header");
        }
        int nameLength = ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
        if (nameLength == 0 || nameLength > length - 2) {
            throw new IllegalArgumentException("payload type name length " + nameLength + " with "
                    + (length - 2) + " bytes left");
        }
        String typeName = typeName(bytes, offset + 2, nameLength);
        Class<?> type = resolver.resolve(typeName);
        if (type == null) {
            throw new IllegalArgumentException("no handler registered for type " + typeName);
        }
        int bodyStart = offset + 2 + nameLength;
        try {
            return reader(type).readValue(bytes, bodyStart, offset + length - bodyStart);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot decode payload of type " + typeName + ": "
                    + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            // The bytes come from the network: whatever a parser or constructor does with
            // garbage, the caller is promised an IllegalArgumentException.
            throw new IllegalArgumentException("cannot decode payload of type " + typeName + ": " + e, e);
        }
    }

    private ObjectReader reader(Class<?> type) {
        return readers.computeIfAbsent(type,
                t -> mapper.readerFor(t).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
    }

    private static String typeName(byte[] bytes, int start, int length) {
        for (int i = start; i < start + length; i++) {
            if (bytes[i] < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder()
                            .decode(ByteBuffer.wrap(bytes, start, length)).toString();
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException("payload type name is not valid UTF-8", e);
                }
            }
        }
        // Class names are almost always ASCII: no decoder object per message.
        return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    }
}
