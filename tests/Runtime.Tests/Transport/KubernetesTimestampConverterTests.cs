using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using Xunit;

namespace KubeInformers.Tests.Transport;

public sealed class KubernetesTimestampConverterTests
{
    private static readonly JsonConverter<DateTime> Reference = new KubernetesJson.KubernetesDateTimeConverter();
    private static readonly KubernetesTimestampConverter Fast = new(Reference);

    [Fact]
    public void Random_timestamps_and_near_misses_decode_exactly_as_KubernetesClients_converter()
    {
        var random = new Random(20261123);
        var parsedHere = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = Candidate(random);
            var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(text));
            var expected = Decode(Reference, json);
            var actual = Decode(Fast, json);

            Assert.True(expected.Error == actual.Error, $"'{text}': KubernetesClient {(expected.Error ?? "ok")}, ours {(actual.Error ?? "ok")}");
            Assert.True(expected.Value == actual.Value && expected.Value.Kind == actual.Value.Kind,
                $"'{text}': KubernetesClient {expected.Value:O} ({expected.Value.Kind}), ours {actual.Value:O} ({actual.Value.Kind})");
            if (KubernetesTimestampConverter.TryParse(Encoding.UTF8.GetBytes(text), out _))
            {
                parsedHere++;
            }
        }

        // Most candidates take the fast path; the rest prove that what it refuses still decodes as before.
        Assert.InRange(parsedHere, 10_000, 19_000);
    }

    [Theory]
    [InlineData("2024-05-01T12:30:05Z")]
    [InlineData("2024-05-01T12:30:05.123456Z")]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.999999Z")]
    public void The_servers_shapes_are_parsed_here_as_UTC(string text)
    {
        Assert.True(KubernetesTimestampConverter.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(Decode(Reference, Encoding.UTF8.GetBytes('"' + text + '"')).Value, value);
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")]   // no such day
    [InlineData("2024-05-01T24:00:00Z")]   // hour out of range
    [InlineData("2024-05-01T12:30:60Z")]   // leap second
    [InlineData("2024-05-01T12:30:05+02:00")]
    [InlineData("2024-05-01T12:30:05.123Z")]       // three digits: KubernetesClient's lenient path
    [InlineData("2024-05-01T12:30:05.123456789Z")] // nanoseconds: likewise
    [InlineData("2024-05-01t12:30:05z")]
    [InlineData("0000-01-01T00:00:00Z")]
    public void Other_shapes_are_left_to_KubernetesClients_converter(string text)
    {
        Assert.False(KubernetesTimestampConverter.TryParse(Encoding.UTF8.GetBytes(text), out _));
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(text));
        Assert.Equal(Decode(Reference, json), Decode(Fast, json));
    }

    private static (DateTime Value, string? Error) Decode(JsonConverter<DateTime> converter, byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        try
        {
            return (converter.Read(ref reader, typeof(DateTime), JsonSerializerOptions.Default), null);
        }
        catch (Exception ex)
        {
            return (default, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static string Candidate(Random r)
    {
        var year = r.Next(10) == 0 ? r.Next(0, 10_000) : r.Next(1970, 2100);
        var month = r.Next(20) == 0 ? r.Next(0, 14) : r.Next(1, 13);
        var day = r.Next(20) == 0 ? r.Next(0, 33) : r.Next(1, 29);
        var hour = r.Next(20) == 0 ? r.Next(0, 26) : r.Next(0, 24);
        var minute = r.Next(0, r.Next(20) == 0 ? 62 : 60);
        var second = r.Next(0, r.Next(20) == 0 ? 62 : 60);
        var text = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}");
        text += r.Next(4) switch
        {
            0 => string.Create(CultureInfo.InvariantCulture, $".{r.Next(0, 1_000_000):D6}Z"),
            1 => r.Next(6) switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $".{r.Next(0, 1000):D3}Z"),
                1 => "+01:00",
                2 => "z",
                3 => ".1234567Z",
                4 => "",
                _ => "Z ",
            },
            _ => "Z",
        };
        return text;
    }
}
