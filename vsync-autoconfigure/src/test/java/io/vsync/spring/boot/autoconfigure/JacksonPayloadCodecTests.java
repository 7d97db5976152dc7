package io.vsync.spring.boot.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.cbor.CBORMapper;

import io.vsync.api.PayloadCodec.ClassResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JacksonPayloadCodecTests {

    private static final ClassResolver ALLOW_PAYLOADS = name -> switch (name) {
        case "io.vsync.spring.boot.autoconfigure.Payloads$Deposit" -> Payloads.Deposit.class;
        case "io.vsync.spring.boot.autoconfigure.Payloads$Opened" -> Payloads.Opened.class;
        case "io.vsync.spring.boot.autoconfigure.Payloads$Balances" -> Payloads.Balances.class;
        default -> null;
    };

    static SimpleModule upperCaseModule() {
        SimpleModule module = new SimpleModule("upper-case-strings");
        module.addSerializer(String.class, new ValueSerializer<String>() {
            @Override
            public void serialize(String value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(value.toUpperCase());
            }
        });
        return module;
    }

    @Test
    void cborRoundTrip() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(CBORMapper.builder().build());
        Payloads.Opened opened = new Payloads.Opened("alice", Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(codec.decode(codec.encode(opened), ALLOW_PAYLOADS)).isEqualTo(opened);
        Payloads.Balances balances = new Payloads.Balances(Map.of("alice", 3L, "bob", 4L));
        assertThat(codec.decode(codec.encode(balances), ALLOW_PAYLOADS)).isEqualTo(balances);
    }

    @Test
    void layoutIsLengthTypeNameBody() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());
        byte[] bytes = codec.encode(new Payloads.Deposit("alice", 10));
        String name = Payloads.Deposit.class.getName();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.getShort() & 0xFFFF).isEqualTo(name.length());
        byte[] nameBytes = new byte[name.length()];
        buffer.get(nameBytes);
        assertThat(new String(nameBytes, StandardCharsets.UTF_8)).isEqualTo(name);
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"account\":\"alice\",\"amount\":10}");
    }

    @Test
    void applicationModulesApply() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(
                JacksonPayloadCodec.cborMapperLike(JsonMapper.builder().addModule(upperCaseModule()).build()));
        Object decoded = codec.decode(codec.encode(new Payloads.Deposit("alice", 10)), ALLOW_PAYLOADS);
        assertThat(decoded).isEqualTo(new Payloads.Deposit("ALICE", 10));
    }

    @Test
    void typesAreResolvedOnlyThroughTheResolver() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());
        byte[] bytes = codec.encode(new Payloads.Withdrawal("alice", 10));
        assertThatIllegalArgumentException().isThrownBy(() -> codec.decode(bytes, ALLOW_PAYLOADS))
            .withMessageContaining("Payloads$Withdrawal' is not allowed");
    }

    @Test
    void decodesIntoTheResolvedClassOnly() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());
        byte[] bytes = codec.encode(new Payloads.Deposit("alice", 10));
        assertThat(codec.decode(bytes, name -> Payloads.Withdrawal.class)).isEqualTo(new Payloads.Withdrawal("alice", 10));
    }

    @Test
    void malformedPayloadsAreRejected() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());
        assertThatIllegalArgumentException().isThrownBy(() -> codec.decode(new byte[0], ALLOW_PAYLOADS))
            .withMessageContaining("too short");
        assertThatIllegalArgumentException().isThrownBy(() -> codec.decode(new byte[] { 0, 0, 1 }, ALLOW_PAYLOADS))
            .withMessageContaining("does not fit");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> codec.decode(new byte[] { (byte) 0xFF, (byte) 0xFF, 'a' }, ALLOW_PAYLOADS))
            .withMessageContaining("does not fit");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> codec.decode(new byte[] { 0, 2, (byte) 0xC3, (byte) 0x28 }, ALLOW_PAYLOADS))
            .withMessageContaining("not valid UTF-8");
        byte[] good = codec.encode(new Payloads.Deposit("alice", 10));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertThatIllegalArgumentException().isThrownBy(() -> codec.decode(truncated, ALLOW_PAYLOADS))
            .withMessageContaining("could not be decoded");
    }

}
