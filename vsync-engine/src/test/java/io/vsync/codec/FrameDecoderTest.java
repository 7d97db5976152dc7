package io.vsync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vsync.api.DeliveryKind;
import io.vsync.api.MemberId;
import io.vsync.message.Ack;
import io.vsync.message.Data;
import io.vsync.message.JoinRequest;
import io.vsync.message.ProtocolMessage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A connection's decoder: the same results as the stateless one, with repeated names shared. */
class FrameDecoderTest {
    private final FrameCodec codec = new FrameCodec();
    private final FrameDecoder decoder = codec.newDecoder();

    @Test
    void repeatedGroupNamesAndSendersDecodeToTheSameInstances() throws Exception {
        MemberId sender = new MemberId("127.0.0.1:7801", 42L << 16);
        Data first = (Data) decode(data("orders", sender, 1));
        Data second = (Data) decode(data("orders", sender, 2));
        Ack ack = (Ack) decode(new Ack("orders", 3, new long[] {1, 2}, 0));
        assertThat(second.group()).isSameAs(first.group()).isEqualTo("orders");
        assertThat(second.sender()).isSameAs(first.sender()).isEqualTo(sender);
        assertThat(ack.group()).isSameAs(first.group());
        assertThat(second.seq()).isEqualTo(2);
    }

    @Test
    void namesThatDifferInOneByteOrOneIncarnationAreNotConfused() throws Exception {
        MemberId a = new MemberId("127.0.0.1:7801", 1);
        decode(data("g1", a, 1));
        Data otherGroup = (Data) decode(data("g2", a, 1));
        Data otherPort = (Data) decode(data("g1", new MemberId("127.0.0.1:7802", 1), 1));
        Data otherIncarnation = (Data) decode(data("g1", new MemberId("127.0.0.1:7801", 2), 1));
        assertThat(otherGroup.group()).isEqualTo("g2");
        assertThat(otherPort.sender()).isEqualTo(new MemberId("127.0.0.1:7802", 1));
        assertThat(otherIncarnation.sender()).isEqualTo(new MemberId("127.0.0.1:7801", 2));
    }

    @Test
    void manyDistinctNamesOnlyEvictAndStillDecodeCorrectly() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1000; i++) {
                MemberId m = new MemberId("10.0." + (i % 7) + "." + i + ":7800", i);
                JoinRequest got = (JoinRequest) decode(new JoinRequest("group-" + i, m));
                assertThat(got.group()).isEqualTo("group-" + i);
                assertThat(got.joiner()).isEqualTo(m);
            }
        }
    }

    @Test
    void aBlankAddressIsStillMalformedAfterAValidOneWasCached() throws Exception {
        decode(new JoinRequest("g", new MemberId("x", 1)));
        ByteBuffer joiner = codec.encode(new JoinRequest("g", new MemberId("x", 1)));
        ByteBuffer patched = ByteBuffer.allocate(joiner.remaining()).put(joiner).flip();
        patched.put(11, (byte) ' ');
        assertThatThrownBy(() -> decoder.decodeBody(patched.position(4)))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("blank address");
    }

    @Test
    void aBodyInAHeapArrayAtAnOffsetOrReadOnlyDecodesAsTheSameBodyInADirectBuffer() throws Exception {
        for (ProtocolMessage m : SampleMessages.all()) {
            ByteBuffer frame = codec.encode(m);
            int length = frame.remaining();
            byte[] padded = new byte[length + 11];
            frame.duplicate().get(padded, 5, length);
            ByteBuffer heapSlice = ByteBuffer.wrap(padded).slice(5, length).position(FrameCodec.LENGTH_BYTES);
            ByteBuffer readOnly = frame.duplicate().position(FrameCodec.LENGTH_BYTES);

            ProtocolMessage fromDirect = decode(m);
            ProtocolMessage fromHeap = decoder.decodeBody(heapSlice);
            ProtocolMessage fromReadOnly = codec.decodeBody(readOnly);

            assertThat(heapSlice.hasRemaining()).isFalse();
            assertThat(readOnly.hasRemaining()).isFalse();
            assertThat(fromHeap).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(fromDirect);
            assertThat(fromReadOnly).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(fromDirect);
            assertThat(codec.encode(fromHeap)).isEqualTo(frame);
        }
    }

    private static Data data(String group, MemberId sender, long seq) {
        return new Data(group, 5, sender, seq, seq, DeliveryKind.ORDERED.code(), true, new byte[] {1, 2, 3});
    }

    /** Decodes like the transport: the body inside a larger direct buffer. */
    private ProtocolMessage decode(ProtocolMessage m) throws MalformedFrameException {
        ByteBuffer frame = codec.encode(m);
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.remaining() + 16);
        direct.position(7).put(frame).flip().position(7 + FrameCodec.LENGTH_BYTES);
        ProtocolMessage got = decoder.decodeBody(direct);
        assertThat(direct.hasRemaining()).isFalse();
        return got;
    }
}
