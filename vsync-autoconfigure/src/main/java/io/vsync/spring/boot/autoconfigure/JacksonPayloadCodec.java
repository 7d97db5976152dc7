package io.vsync.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.dataformat.cbor.CBORMapper;

import io.vsync.api.PayloadCodec;

/**
 * {@link PayloadCodec} over a Jackson {@link ObjectMapper} (JSON, CBOR or any other format).
 *
 * <p>Payload layout: {@code [u16 type-name length][type name, UTF-8][body]}, the body being
 * the payload encoded by the mapper. Decoding validates every length before it reads, and
 * turns the type name into a class <em>only</em> through the given
 * {@link PayloadCodec.ClassResolver}: a payload can never name a class the group does not
 * allow.
 */
public final class JacksonPayloadCodec implements PayloadCodec {

    private static final int MAX_TYPE_NAME = 0xFFFF;

    private final ObjectMapper mapper;

    public JacksonPayloadCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The mapper that encodes the bodies. */
    public ObjectMapper getMapper() {
        return this.mapper;
    }

    @Override
    public byte[] encode(Object payload) {
        byte[] name = payload.getClass().getName().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_TYPE_NAME) {
            throw new IllegalArgumentException("payload type name is longer than 65535 bytes");
        }
        byte[] body;
        try {
            body = this.mapper.writeValueAsBytes(payload);
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException(
                    "payload of type " + payload.getClass().getName() + " could not be encoded: " + ex.getOriginalMessage(), ex);
        }
        ByteBuffer out = ByteBuffer.allocate(2 + name.length + body.length);
        out.putShort((short) name.length).put(name).put(body);
        return out.array();
    }

    @Override
    public Object decode(byte[] bytes, ClassResolver resolver) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("payload of " + bytes.length + " bytes is too short for its type header");
        }
        int nameLength = ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        if (nameLength == 0 || 2 + nameLength > bytes.length) {
            throw new IllegalArgumentException("payload type name length " + nameLength + " does not fit a payload of "
                    + bytes.length + " bytes");
        }
        String typeName;
        try {
            typeName = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 2, nameLength))
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new IllegalArgumentException("payload type name is not valid UTF-8", ex);
        }
        Class<?> type = resolver.resolve(typeName);
        if (type == null) {
            throw new IllegalArgumentException("payload type '" + typeName + "' is not allowed in this group");
        }
        int offset = 2 + nameLength;
        Object value;
        try {
            value = this.mapper.readValue(bytes, offset, bytes.length - offset, type);
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException("payload of type " + typeName + " could not be decoded: "
                    + ex.getOriginalMessage(), ex);
        }
        if (value == null || !type.isInstance(value)) {
            throw new IllegalArgumentException("payload of type " + typeName + " decoded to "
                    + ((value != null) ? value.getClass().getName() : "null"));
        }
        return value;
    }

    /**
     * A CBOR mapper with the modules, naming strategy and feature settings of the given
     * (usually the application's JSON) mapper.
     */
    public static CBORMapper cborMapperLike(ObjectMapper template) {
        CBORMapper.Builder builder = CBORMapper.builder();
        copySettings(template, builder);
        return builder.build();
    }

    static void copySettings(ObjectMapper template, MapperBuilder<?, ?> builder) {
        builder.addModules(template.registeredModules());
        for (MapperFeature feature : MapperFeature.values()) {
            builder.configure(feature, template.isEnabled(feature));
        }
        for (SerializationFeature feature : SerializationFeature.values()) {
            builder.configure(feature, template.isEnabled(feature));
        }
        for (DeserializationFeature feature : DeserializationFeature.values()) {
            builder.configure(feature, template.isEnabled(feature));
        }
        if (template.serializationConfig().getPropertyNamingStrategy() != null) {
            builder.propertyNamingStrategy(template.serializationConfig().getPropertyNamingStrategy());
        }
    }

}
