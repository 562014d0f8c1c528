using System.Text;
using System.Text.Json.Nodes;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

/// <summary>
/// <c>/openapi/v2</c> in gnostic's protobuf form, which kubectl before 1.27 asks for: read back here with a minimal
/// protobuf wire reader, by the field numbers of <c>openapi.v2.Document</c>.
/// </summary>
public sealed class OpenApiProtobufTests
{
    private const string ProtoMediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    [Fact]
    public async Task OpenApi_v2_is_served_as_protobuf_when_asked_with_definitions_kinds_and_properties()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var request = new HttpRequestMessage(HttpMethod.Get, "openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", ProtoMediaType); // kubectl sends it so; .NET's parser rejects the @

        using var response = await http.SendAsync(request, Timeout());
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        var document = Fields(bytes);
        Assert.Equal("2.0", Encoding.UTF8.GetString(document.Single(f => f.Number == 1).Bytes));
        var definitions = Fields(document.Single(f => f.Number == 9).Bytes).Where(f => f.Number == 1).Select(f => Fields(f.Bytes)).ToList();
        var deployment = definitions.Single(d => Encoding.UTF8.GetString(d.Single(f => f.Number == 1).Bytes) == "io.k8s.api.apps.v1.Deployment");
        var schema = Fields(deployment.Single(f => f.Number == 2).Bytes);

        var type = Fields(schema.Single(f => f.Number == 22).Bytes).Single(f => f.Number == 1);
        Assert.Equal("object", Encoding.UTF8.GetString(type.Bytes));
        var properties = Fields(schema.Single(f => f.Number == 25).Bytes).Select(p => Fields(p.Bytes)).ToList();
        var spec = properties.Single(p => Encoding.UTF8.GetString(p.Single(f => f.Number == 1).Bytes) == "spec");
        var specRef = Fields(spec.Single(f => f.Number == 2).Bytes).Single(f => f.Number == 1);
        Assert.StartsWith("#/definitions/", Encoding.UTF8.GetString(specRef.Bytes));
        var gvk = schema.Where(f => f.Number == 31).Select(f => Fields(f.Bytes))
            .Single(e => Encoding.UTF8.GetString(e.Single(f => f.Number == 1).Bytes) == "x-kubernetes-group-version-kind");
        var yaml = Encoding.UTF8.GetString(Fields(gvk.Single(f => f.Number == 2).Bytes).Single(f => f.Number == 2).Bytes);
        var parsed = JsonNode.Parse(yaml)!.AsArray().Single()!;
        Assert.Equal("apps", parsed["group"]!.GetValue<string>());
        Assert.Equal("Deployment", parsed["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_v2_stays_json_for_clients_that_ask_for_json()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var text = await http.GetStringAsync("openapi/v2", Timeout());

        Assert.Equal("2.0", JsonNode.Parse(text)!["swagger"]!.GetValue<string>());
    }

    private sealed record Field(int Number, int WireType, byte[] Bytes);

    /// <summary>The top-level fields of a protobuf message (length-delimited ones with their bytes).</summary>
    private static List<Field> Fields(byte[] message)
    {
        var result = new List<Field>();
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var number = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    result.Add(new Field(number, wire, BitConverter.GetBytes(Varint(message, ref i))));
                    break;
                case 1:
                    result.Add(new Field(number, wire, message[i..(i + 8)]));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    result.Add(new Field(number, wire, message[i..(i + length)]));
                    i += length;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {wire}");
            }
        }

        return result;
    }

    private static ulong Varint(byte[] bytes, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
