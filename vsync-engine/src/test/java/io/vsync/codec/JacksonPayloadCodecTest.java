package io.vsync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.PayloadCodec.ClassResolver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JacksonPayloadCodecTest {
    record Deposit(String account, long amount) {
    }

    record Line(String item, int quantity) {
    }

    record Order(String id, List<Line> lines, Map<String, Deposit> payments, byte[] signature) {
    }

    /** Never instantiated by a decode: nobody registered it. */
    record Unregistered(String value) {
    }

    private static final ClassResolver REGISTERED = name -> Map.<String, Class<?>>of(
            Deposit.class.getName(), Deposit.class,
            Order.class.getName(), Order.class).get(name);

    @Test
    void recordsRoundTripInCborAndJson() {
        for (JacksonPayloadCodec codec : List.of(JacksonPayloadCodec.cbor(), JacksonPayloadCodec.json())) {
            Deposit deposit = new Deposit("alice", 10);
            assertThat(codec.decode(codec.encode(deposit), REGISTERED)).isEqualTo(deposit);
        }
    }

    @Test
    void nestedTypesRoundTrip() {
        Order order = new Order("o-1", List.of(new Line("pen", 2), new Line("ink ✒", 1)),
                Map.of("card", new Deposit("bob", -5)), new byte[] {1, 2, 3});
        for (JacksonPayloadCodec codec : List.of(JacksonPayloadCodec.cbor(), JacksonPayloadCodec.json())) {
            Order decoded = (Order) codec.decode(codec.encode(order), REGISTERED);
            assertThat(decoded).usingRecursiveComparison().isEqualTo(order);
        }
    }

    @Test
    void layoutIsTypeNameThenBody() {
        byte[] bytes = JacksonPayloadCodec.json().encode(new Deposit("alice", 10));
        String name = Deposit.class.getName();
        assertThat(((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF)).isEqualTo(name.length());
        assertThat(new String(bytes, 2, name.length(), StandardCharsets.UTF_8)).isEqualTo(name);
        assertThat(new String(bytes, 2 + name.length(), bytes.length - 2 - name.length(), StandardCharsets.UTF_8))
                .isEqualTo("{\"account\":\"alice\",\"amount\":10}");
    }

    @Test
    void cborIsSmallerThanJson() {
        Order order = new Order("o-1", List.of(new Line("pen", 2)), Map.of(), new byte[64]);
        assertThat(JacksonPayloadCodec.cbor().encode(order).length)
                .isLessThan(JacksonPayloadCodec.json().encode(order).length);
    }

    @Test
    void acceptsTheApplicationsMapper() {
        JacksonPayloadCodec codec = new JacksonPayloadCodec(JsonMapper.builder().build());
        assertThat(codec.decode(codec.encode(new Deposit("a", 1)), REGISTERED)).isEqualTo(new Deposit("a", 1));
    }

    @Test
    void unknownTypeIsRefusedWithoutLoadingIt() {
        JacksonPayloadCodec codec = JacksonPayloadCodec.cbor();
        byte[] bytes = codec.encode(new Unregistered("x"));
        assertThatThrownBy(() -> codec.decode(bytes, REGISTERED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no handler registered for type " + Unregistered.class.getName());
        byte[] hostile = codec.encode(new Deposit("a", 1));
        byte[] gadget = retype(hostile, "java.lang.ProcessBuilder");
        assertThatThrownBy(() -> codec.decode(gadget, REGISTERED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no handler registered for type java.lang.ProcessBuilder");
    }

    @Test
    void bodyOfTheWrongShapeIsIllegalArgument() {
        JacksonPayloadCodec codec = JacksonPayloadCodec.json();
        // Jackson 3 ignores unknown properties by default (good for rolling upgrades), so a
        // wrong shape here means a value of the wrong kind.
        byte[] bytes = withBody(Deposit.class.getName(), "{\"account\":\"a\",\"amount\":\"lots\"}");
        byte[] typed = codec.encode(new Deposit("a", 1));
        byte[] trailing = java.util.Arrays.copyOf(typed, typed.length + 3);
        trailing[typed.length] = '{';
        for (byte[] bad : List.of(bytes, trailing)) {
            assertThatThrownBy(() -> codec.decode(bad, REGISTERED)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void garbageBytesAreIllegalArgument() {
        long seed = Long.getLong("vsync.seed", System.nanoTime());
        System.out.println("garbageBytesAreIllegalArgument seed=" + seed + " (replay with -Dvsync.seed=" + seed + ")");
        Random rnd = new Random(seed);
        ClassResolver anything = name -> Deposit.class; // worst case: every name resolves
        for (JacksonPayloadCodec codec : List.of(JacksonPayloadCodec.cbor(), JacksonPayloadCodec.json())) {
            byte[] valid = codec.encode(new Deposit("alice", 10));
            for (int i = 0; i < 3000; i++) {
                byte[] bytes;
                if (i % 2 == 0) {
                    bytes = new byte[rnd.nextInt(40)];
                    rnd.nextBytes(bytes);
                } else {
                    bytes = valid.clone();
                    bytes[rnd.nextInt(bytes.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                try {
                    Object decoded = codec.decode(bytes, anything);
                    assertThat(decoded).isInstanceOf(Deposit.class);
                } catch (IllegalArgumentException expected) {
                    // the only acceptable failure
                } catch (RuntimeException e) {
                    throw new AssertionError("decode threw " + e + " (seed " + seed + ")", e);
                }
            }
        }
        assertThatThrownBy(() -> JacksonPayloadCodec.cbor().decode(new byte[0], anything))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JacksonPayloadCodec.cbor().decode(null, anything))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JacksonPayloadCodec.cbor().decode(new byte[] {0, 9, 'a'}, anything))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 9");
    }

    @Test
    void nullPayloadIsRefused() {
        assertThatThrownBy(() -> JacksonPayloadCodec.cbor().encode(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] withBody(String typeName, String json) {
        byte[] name = typeName.getBytes(StandardCharsets.UTF_8);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + name.length + body.length];
        out[0] = (byte) (name.length >>> 8);
        out[1] = (byte) name.length;
        System.arraycopy(name, 0, out, 2, name.length);
        System.arraycopy(body, 0, out, 2 + name.length, body.length);
        return out;
    }

    /** The same body behind another type name. */
    private static byte[] retype(byte[] bytes, String typeName) {
        int oldLength = ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        byte[] name = typeName.getBytes(StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOfRange(bytes, 2 + oldLength, bytes.length);
        byte[] out = new byte[2 + name.length + body.length];
        out[0] = (byte) (name.length >>> 8);
        out[1] = (byte) name.length;
        System.arraycopy(name, 0, out, 2, name.length);
        System.arraycopy(body, 0, out, 2 + name.length, body.length);
        return out;
    }
}
