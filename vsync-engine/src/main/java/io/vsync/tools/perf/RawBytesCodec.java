package io.vsync.tools.perf;

import io.vsync.api.PayloadCodec;

/**
 * The benchmark's payload codec: a {@code byte[]} payload goes on the wire as it is, so the
 * figures measure the engine and not a serializer (the JGroups harness sends raw byte arrays
 * too). {@code --codec cbor} switches the members back to the engine's default Jackson codec.
 * Where a handler takes a {@link RawView}, a payload is handed over in place, without a copy.
 */
final class RawBytesCodec implements PayloadCodec {

    @Override
    public byte[] encode(Object payload) {
        if (!(payload instanceof byte[] bytes)) {
            throw new IllegalArgumentException("the perf codec carries byte[] only, not "
                    + (payload == null ? "null" : payload.getClass().getName()));
        }
        return bytes;
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, ClassResolver resolver) {
        if (resolver.resolve(RawView.class.getName()) != null) {
            return new RawView(bytes, offset, length);
        }
        return decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length), resolver);
    }

    @Override
    public Object decode(byte[] bytes, ClassResolver resolver) {
        if (resolver.resolve(RawView.class.getName()) != null) {
            return new RawView(bytes, 0, bytes.length);
        }
        if (resolver.resolve(byte[].class.getName()) == null) {
            throw new IllegalArgumentException("no handler registered for byte[]");
        }
        return bytes;
    }
}
