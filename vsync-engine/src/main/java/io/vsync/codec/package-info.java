/**
 * The engine's wire format and the application payload codec.
 *
 * <h2>Frames ({@link io.vsync.codec.FrameCodec})</h2>
 * {@code [int32 length][int16 magic 0x5653 "VS"][int8 version = 1][int8 type] body}, big-endian,
 * {@code length} counting every byte after itself. Type codes (never renumbered, only added):
 * <pre>
 *   1 Heartbeat    2 Data        3 OrderToken  4 Ack         5 Nak          6 JoinProbe
 *   7 JoinProbeReply  8 JoinRequest  9 LeaveRequest  10 Suspicion  11 Prepare  12 Promise
 *  13 Accept      14 Accepted   15 Commit     16 Reject     17 NotMember   18 CatchUp
 * 100 Hello (transport handshake, not a ProtocolMessage)
 * </pre>
 * Fields follow in record-component order. Strings are a length byte and up to 255 bytes of
 * UTF-8 (invalid UTF-8 is malformed); a MemberId is its address string and an int64
 * incarnation; a Ballot its int64 round and MemberId; a Decision its newViewId, three member
 * lists, trim and tokenTrim; lists and long[] are an int32 count (at most 65536, and at most
 * what the bytes left can hold) then the elements; a nullable field is a presence byte (0/1)
 * then the field; Data's {@code last} is a byte 0/1 and its payload an int32 length then raw
 * bytes; Data's kind must be a known {@link io.vsync.api.DeliveryKind} code.
 *
 * <p>Decoding is total: any input gives either a message or a checked
 * {@link io.vsync.codec.MalformedFrameException}, every length and count is checked against
 * the bytes actually present before anything is allocated, and a body must be consumed
 * exactly. The encoding is canonical: a decoded frame re-encodes to the same bytes (the
 * property tests rely on it). Version bumps are how fields get added.
 *
 * <h2>Payloads ({@link io.vsync.codec.JacksonPayloadCodec})</h2>
 * {@code [uint16 type name length][type name][Jackson body]}, CBOR by default. The type name
 * is resolved only through the group's resolver, never by reflection on the name.
 */
package io.vsync.codec;
