using System.Text;
using Parley.Server.SocketIo;

namespace Parley.Tests;

/// <summary>The Engine.IO and Socket.IO packet codecs against the examples of their specifications.</summary>
public sealed class SocketIoCodecTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_polling_payload_splits_on_the_record_separator_with_binary_as_base64()
    {
        var packets = new List<EnginePacket>();
        Assert.True(EngineCodec.TryDecodePayload(Utf8("4hello\u001ebAQIDBA==\u001e2"), packets));
        Assert.Equal(3, packets.Count);
        Assert.Equal((EngineType.Message, "hello", false), (packets[0].Type, Encoding.UTF8.GetString(packets[0].Data.Span), packets[0].Binary));
        Assert.True(packets[1].Binary);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packets[1].Data.ToArray());
        Assert.Equal(EngineType.Ping, packets[2].Type);

        var body = EngineCodec.EncodePayload([EngineFrame.Text(Utf8("4hello")), new EngineFrame(new byte[] { 1, 2, 3, 4 }, true)]);
        Assert.Equal("4hello\u001ebAQIDBA==", Encoding.UTF8.GetString(body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("4hello\u001e")]
    [InlineData("7")]
    [InlineData("b!!!")]
    public void A_malformed_payload_is_refused(string body) => Assert.False(EngineCodec.TryDecodePayload(Utf8(body), []));

    [Theory]
    [InlineData("0", SocketType.Connect, "/", null, 0, null)]
    [InlineData("0/admin,{\"token\":\"123\"}", SocketType.Connect, "/admin", null, 0, "{\"token\":\"123\"}")]
    [InlineData("40/random", SocketType.Connect, "/random", null, 0, null)]
    [InlineData("1/admin,", SocketType.Disconnect, "/admin", null, 0, null)]
    [InlineData("2[\"hello\",1]", SocketType.Event, "/", null, 0, "[\"hello\",1]")]
    [InlineData("2/admin,456[\"project:delete\",123]", SocketType.Event, "/admin", 456L, 0, "[\"project:delete\",123]")]
    [InlineData("3/admin,456[]", SocketType.Ack, "/admin", 456L, 0, "[]")]
    [InlineData("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]", SocketType.BinaryEvent, "/", null, 1, "[\"hello\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("61-/admin,456[{\"_placeholder\":true,\"num\":0}]", SocketType.BinaryAck, "/admin", 456L, 1, "[{\"_placeholder\":true,\"num\":0}]")]
    public void Socket_io_packets_decode_as_the_spec_writes_them(string text, int type, string ns, long? ackId, int attachments, string? data)
    {
        // The examples of socket.io-protocol, with the Engine.IO message prefix stripped where the spec shows it.
        var packetText = text.StartsWith("40", StringComparison.Ordinal) ? text[1..] : text;
        Assert.True(SocketCodec.TryDecode(Utf8(packetText), out var packet));
        Assert.Equal((type, ns, ackId, attachments), (packet!.Type, packet.Namespace, packet.AckId, packet.Attachments));
        Assert.Equal(data, packet.Data?.GetRawText());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("2{}")]
    [InlineData("2abc[\"x\"]")]
    [InlineData("2[]")]
    [InlineData("2[1]")]
    [InlineData("2[\"connect\"]")]
    [InlineData("2[\"x\"]trailing")]
    [InlineData("2[\"x\"")]
    [InlineData("3[]")]
    [InlineData("4{\"message\":\"from a client\"}")]
    [InlineData("0[1]")]
    [InlineData("1{\"a\":1}")]
    [InlineData("5-[\"x\"]")]
    [InlineData("51[\"x\"]")]
    [InlineData("599-[\"x\"]")]
    [InlineData("21234567890123456[\"x\"]")]
    [InlineData("9")]
    public void Malformed_socket_io_packets_are_refused(string text) => Assert.False(SocketCodec.TryDecode(Utf8(text), out _));

    [Fact]
    public void Events_and_acks_encode_with_the_engine_prefix_namespace_id_and_offset()
    {
        Assert.Equal("42[\"message:new\",{\"a\":1},\"17\"]", Text(SocketCodec.Event("/", "message:new", Utf8("{\"a\":1}"), "17")));
        Assert.Equal("42/custom,[\"auth\",{}]", Text(SocketCodec.Event("/custom", "auth", Utf8("{}"))));
        Assert.Equal("43456[1]", Text(SocketCodec.Encode(SocketType.Ack, "/", 456, Utf8("[1]"))));
        Assert.Equal("462-/x,7[]", Text(SocketCodec.Encode(SocketType.BinaryAck, "/x", 7, Utf8("[]"), attachments: 2)));
        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}",
            Text(SocketCodec.Encode(SocketType.ConnectError, "/random", null, SocketLayer.ErrorData("Invalid namespace"))));

        static string Text(EngineFrame frame) => Encoding.UTF8.GetString(frame.Bytes.Span);
    }
}
