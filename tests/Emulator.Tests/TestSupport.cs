using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace KubeInformers.Emulator.Tests;

/// <summary>Raw HTTP, status and CRD helpers shared by the conformance tests (waits and deadlines: <see cref="KubeInformers.TestSupport.Wait"/>).</summary>
internal static class TestSupport
{
    public static HttpClient Http(KubernetesEmulator emu, string? token = null)
    {
        var http = new HttpClient { BaseAddress = emu.BaseUri, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    public static async Task<(int Code, JsonObject Body, HttpResponseMessage Response)> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await http.SendAsync(request, Timeout());
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject(), response);
    }

    public static void AssertStatus(JsonObject body, int code, string reason)
    {
        Assert.Equal("Status", body["kind"]?.GetValue<string>());
        Assert.Equal("v1", body["apiVersion"]?.GetValue<string>());
        Assert.Equal("Failure", body["status"]?.GetValue<string>());
        Assert.Equal(code, body["code"]?.GetValue<int>());
        Assert.Equal(reason, body["reason"]?.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["message"]?.GetValue<string>()));
    }

    public static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null, string? value = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = value is null ? null : new Dictionary<string, string> { ["v"] = value },
    };

    public static V1CustomResourceDefinition CronTabCrd(string scope = "Namespaced", bool statusSubresource = true) => new()
    {
        ApiVersion = "apiextensions.k8s.io/v1",
        Kind = "CustomResourceDefinition",
        Metadata = new V1ObjectMeta { Name = "crontabs.stable.example.com" },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = "stable.example.com",
            Scope = scope,
            Names = new V1CustomResourceDefinitionNames { Plural = "crontabs", Singular = "crontab", Kind = "CronTab", ListKind = "CronTabList", ShortNames = ["ct"] },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1",
                    Served = true,
                    Storage = true,
                    Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                    Subresources = statusSubresource ? new V1CustomResourceSubresources { Status = new object() } : null,
                },
            ],
        },
    };

    /// <summary>A raw watch stream: every line (as text) goes to <see cref="Lines"/>; the stream ends when the server closes it.</summary>
    public sealed class RawWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(60));
        private readonly Task _pump;

        private RawWatch(HttpResponseMessage response)
        {
            Response = response;
            _pump = Task.Run(async () =>
            {
                try
                {
                    using var stream = await response.Content.ReadAsStreamAsync(_cts.Token);
                    using var reader = new StreamReader(stream);
                    while (await reader.ReadLineAsync(_cts.Token) is { } line)
                    {
                        await Lines.Writer.WriteAsync(line);
                    }

                    Lines.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    Lines.Writer.TryComplete(ex);
                }
            });
        }

        public HttpResponseMessage Response { get; }

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

        public static async Task<RawWatch> OpenAsync(HttpClient http, string pathAndQuery)
        {
            var response = await http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, Timeout());
            return new RawWatch(response);
        }

        /// <summary>The next event line parsed, or null when the stream ended.</summary>
        public async Task<JsonObject?> NextAsync(int seconds = 20)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            try
            {
                if (!await Lines.Reader.WaitToReadAsync(cts.Token))
                {
                    return null;
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("Timed out waiting for a watch event");
            }

            Lines.Reader.TryRead(out var line);
            return JsonNode.Parse(line!)!.AsObject();
        }

        /// <summary>Completes when the stream has ended; returns the exception that ended it, if any.</summary>
        public async Task<Exception?> EndAsync(int seconds = 20)
        {
            try
            {
                await Lines.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(seconds));
                return null;
            }
            catch (TimeoutException)
            {
                Assert.Fail("Timed out waiting for the watch to end");
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _cts.Cancel();
            try
            {
                await _pump;
            }
            catch (Exception)
            {
            }

            Response.Dispose();
            _cts.Dispose();
        }
    }

    public static string Type(JsonObject ev) => ev["type"]!.GetValue<string>();

    public static string Name(JsonObject ev) => ev["object"]!["metadata"]!["name"]!.GetValue<string>();

    public static string Rv(JsonObject ev) => ev["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>();

    public static JsonElement ToElement(object o) => JsonSerializer.SerializeToElement(o);
}
