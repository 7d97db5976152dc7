package io.vsync.api;

/**
 * Turns application objects into payload bytes and back. The bytes must carry enough type
 * information for {@link #decode(byte[], ClassResolver)} to rebuild the object; decoding only
 * ever instantiates types the resolver allows (the group's registered handler types), so a
 * hostile payload cannot name an arbitrary class.
 */
public interface PayloadCodec {

    byte[] encode(Object payload);

    /**
     * @throws IllegalArgumentException when the bytes are malformed or name a type the
     *                                  resolver does not allow
     */
    Object decode(byte[] bytes, ClassResolver resolver);

    /**
     * Decodes {@code length} bytes from {@code offset}: lets the engine decode a payload inside
     * a larger buffer without copying it out first.
     */
    default Object decode(byte[] bytes, int offset, int length, ClassResolver resolver) {
        return decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length), resolver);
    }

    /** Maps a type name written by {@link #encode} to an allowed class, or null. */
    @FunctionalInterface
    interface ClassResolver {
        Class<?> resolve(String typeName);
    }
}
