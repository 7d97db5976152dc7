package io.vsync.codec;

import io.vsync.message.Data;
import io.vsync.message.ProtocolMessage;
import java.nio.ByteBuffer;

/**
 * The versioned binary wire format of engine-to-engine frames.
 *
 * <pre>
 * frame  = length:int32  body                 length counts the body, i.e. every byte after itself
 * body   = magic:int16 (0x5653 "VS")  version:int8 (1)  type:int8  fields…
 * string = len:uint8  UTF-8 bytes            (at most {@value #MAX_STRING_BYTES} bytes)
 * member = address:string  incarnation:int64
 * long[] / list = count:int32  elements…     (count checked against a cap and the bytes left)
 * nullable field = present:int8 (0|1)  [field]
 * bytes  = len:int32  raw bytes              (Data payload)
 * </pre>
 * All integers are big-endian. A body must be consumed exactly: trailing bytes are malformed.
 *
 * <p>Thread-safe: encode from any thread, decode from any thread. Its only state besides the
 * frame cap is a lock-free cache of the names it encoded lately ({@link EncodedNames}).
 * Encoding returns a read-only heap buffer holding one complete frame, so one encoding can be
 * handed to many connections (multicast: encode once, send to N peers).
 */
public final class FrameCodec {
    /** "VS". */
    public static final short MAGIC = 0x5653;
    public static final byte VERSION = 1;
    /** The length prefix. */
    public static final int LENGTH_BYTES = 4;
    /** Magic, version and type: the smallest possible body. */
    public static final int BODY_HEADER_BYTES = 4;
    /** Cap on each string on the wire (group names, member addresses), in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 255;
    /** Cap on element counts (member lists, per-rank arrays, order-token refs). */
    public static final int MAX_LIST_ELEMENTS = 1 << 16;
    /** Default cap on a frame's length field: a 1 MiB fragment plus generous headers. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = (1 << 20) + 4096;
    /**
     * Worst-case body bytes of a Data frame besides its payload: header, the longest group
     * name and sender address, and the fixed fields. The engine's largest fragment is
     * {@link #maxDataPayload()}.
     */
    public static final int MAX_DATA_OVERHEAD = BODY_HEADER_BYTES
            + (1 + MAX_STRING_BYTES) + 8 + (1 + MAX_STRING_BYTES + 8) + 8 + 8 + 1 + 1 + 4;

    private final int maxFrameLength;
    private final EncodedNames names = new EncodedNames();

    /** A codec with the {@linkplain #DEFAULT_MAX_FRAME_LENGTH default frame cap}. */
    public FrameCodec() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    /** @param maxFrameLength the largest length field accepted or produced */
    public FrameCodec(int maxFrameLength) {
        if (maxFrameLength < MAX_DATA_OVERHEAD + 1) {
            throw new IllegalArgumentException("frame cap " + maxFrameLength + " is below a Data frame's overhead");
        }
        this.maxFrameLength = maxFrameLength;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** The largest Data payload that always fits in one frame, whatever the names' lengths. */
    public int maxDataPayload() {
        return maxFrameLength - MAX_DATA_OVERHEAD;
    }

    /**
     * Encodes one complete frame, length prefix included.
     *
     * @return a read-only buffer from position 0 to the frame's end; share it freely
     * @throws IllegalArgumentException when a string is over {@value #MAX_STRING_BYTES} bytes
     *                                  or the frame is over the cap (fragment larger payloads)
     * @throws NullPointerException     when a field the format requires is null
     */
    public ByteBuffer encode(ProtocolMessage message) {
        int expected = 128;
        if (message instanceof Data d) {
            if (d.payload().length > maxFrameLength) { // refuse before allocating a copy of it
                throw tooLarge(d.payload().length);
            }
            expected += d.payload().length;
        }
        FrameWriter w = startFrame(expected);
        byte type = BodyEncoder.write(w, message);
        return endFrame(w, type);
    }

    /** Encodes the transport's handshake frame. */
    public ByteBuffer encode(Hello hello) {
        FrameWriter w = startFrame(64);
        byte type = BodyEncoder.writeHello(w, hello);
        return endFrame(w, type);
    }

    /**
     * Encodes one frame for a stream transport, the same bytes as {@link #encode(ProtocolMessage)}
     * but without copying a Data payload: the frame refers to it, so it must not change
     * afterwards (the engine never changes a payload once sent). Errors as {@code encode}.
     */
    public EncodedFrame encodeFrame(ProtocolMessage message) {
        if (message instanceof Data d) {
            int payload = d.payload().length;
            if (payload > maxFrameLength) {
                throw tooLarge(payload);
            }
            // Exact for ASCII names, which is the rule; the writer grows for others.
            FrameWriter w = startFrame(LENGTH_BYTES + MAX_DATA_OVERHEAD - 2 * MAX_STRING_BYTES
                    + d.group().length() + d.sender().address().length());
            byte type = BodyEncoder.writeDataHead(w, d);
            patch(w, type, payload);
            return new EncodedFrame(w.array(), w.position(), d.payload());
        }
        FrameWriter w = startFrame(LENGTH_BYTES + BODY_HEADER_BYTES + BodyEncoder.expectedBytes(message));
        byte type = BodyEncoder.write(w, message);
        patch(w, type, 0);
        return new EncodedFrame(w.array(), w.position(), null);
    }

    /** The handshake frame for a stream transport. */
    public EncodedFrame encodeFrame(Hello hello) {
        FrameWriter w = startFrame(64);
        byte type = BodyEncoder.writeHello(w, hello);
        patch(w, type, 0);
        return new EncodedFrame(w.array(), w.position(), null);
    }

    /**
     * Decodes one complete frame, length prefix included, consuming the buffer. The length
     * field must match the bytes given exactly.
     */
    public ProtocolMessage decode(ByteBuffer frame) throws MalformedFrameException {
        if (frame.remaining() < LENGTH_BYTES) {
            throw new MalformedFrameException("truncated length prefix");
        }
        int length = frame.getInt();
        checkLength(length);
        if (length != frame.remaining()) {
            throw new MalformedFrameException("length field " + length + " but " + frame.remaining() + " bytes follow");
        }
        return decodeBody(frame);
    }

    /**
     * Decodes one frame body (everything after the length prefix: the buffer's remaining
     * bytes, which it consumes). This is what a stream reader calls once it has a whole frame.
     */
    public ProtocolMessage decodeBody(ByteBuffer body) throws MalformedFrameException {
        return readBody(new FrameReader(body));
    }

    /** Decodes a body that must be a {@link Hello}: the first frame of every connection. */
    public Hello decodeHelloBody(ByteBuffer body) throws MalformedFrameException {
        return readHelloBody(new FrameReader(body));
    }

    /**
     * A decoder for one connection's frames, which remembers the group names and member ids it
     * decoded lately: steady traffic then allocates nothing per frame but the message and its
     * payload. It decodes exactly as {@link #decodeBody} does.
     */
    public FrameDecoder newDecoder() {
        return new FrameDecoder();
    }

    static ProtocolMessage readBody(FrameReader r) throws MalformedFrameException {
        byte type = readHeader(r);
        if (type == FrameType.HELLO) {
            throw new MalformedFrameException("hello frame where a protocol message was expected");
        }
        ProtocolMessage message = BodyDecoder.read(type, r);
        r.expectEnd();
        return message;
    }

    static Hello readHelloBody(FrameReader r) throws MalformedFrameException {
        byte type = readHeader(r);
        if (type != FrameType.HELLO) {
            throw new MalformedFrameException("expected a hello frame, got type " + type);
        }
        Hello hello = BodyDecoder.readHello(r);
        r.expectEnd();
        return hello;
    }

    /**
     * Checks a length field read from a stream. A bad one means the stream has lost frame
     * sync and cannot be trusted any more.
     */
    public void checkLength(int length) throws MalformedFrameException {
        if (length < BODY_HEADER_BYTES || length > maxFrameLength) {
            throw new MalformedFrameException("length field " + length + " outside " + BODY_HEADER_BYTES + ".."
                    + maxFrameLength);
        }
    }

    private IllegalArgumentException tooLarge(int bytes) {
        return new IllegalArgumentException("frame of " + bytes + "+ bytes exceeds the frame cap of " + maxFrameLength
                + " bytes; fragment payloads above " + maxDataPayload() + " bytes");
    }

    private static byte readHeader(FrameReader r) throws MalformedFrameException {
        int magic = (r.u8() << 8) | r.u8();
        if (magic != (MAGIC & 0xFFFF)) {
            throw new MalformedFrameException("bad magic 0x" + Integer.toHexString(magic));
        }
        int version = r.u8();
        if (version != VERSION) {
            throw new MalformedFrameException("unsupported version " + version);
        }
        return r.i8();
    }

    private FrameWriter startFrame(int expectedBytes) {
        FrameWriter w = new FrameWriter(expectedBytes, names);
        w.i32(0); // length, patched by endFrame
        w.u8(MAGIC >> 8);
        w.u8(MAGIC & 0xFF);
        w.u8(VERSION);
        w.u8(0); // type, patched by endFrame
        return w;
    }

    private ByteBuffer endFrame(FrameWriter w, byte type) {
        patch(w, type, 0);
        return w.finish();
    }

    /** Fills in the length and type of a written frame, {@code more} bytes to follow what was written. */
    private void patch(FrameWriter w, byte type, int more) {
        long length = (long) w.position() - LENGTH_BYTES + more;
        if (length > maxFrameLength) {
            throw tooLarge((int) Math.min(Integer.MAX_VALUE, length));
        }
        w.putInt(0, (int) length);
        w.putByte(LENGTH_BYTES + 3, type);
    }
}
