using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// The few untyped reads and writes the controller toolkit needs for any resource (built-in or custom) named by a
/// <see cref="ResourceDescriptor"/>: get, merge patch, server-side apply and replace, on the object or a subresource. Goes through a
/// <see cref="Kubernetes"/> client's HTTP pipeline (its handler, base address and credentials); JSON through
/// <see cref="KubernetesJson"/>. Errors are <see cref="KubernetesApiException"/>s carrying the server's Status. Thread-safe.
/// </summary>
internal sealed class ObjectWrites
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private readonly Kubernetes _client;
    private readonly Uri _base;

    public ObjectWrites(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client as Kubernetes ?? throw new ArgumentException(
            $"The controller toolkit needs a k8s.Kubernetes client (it uses its HttpClient, BaseUri and Credentials), but got {client.GetType().FullName}.", nameof(client));
        var baseUri = _client.BaseUri ?? throw new ArgumentException("The Kubernetes client has no BaseUri.", nameof(client));
        _base = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
    }

    /// <summary>The object, or null when the server says 404.</summary>
    public async Task<T?> GetAsync<T>(ResourceDescriptor resource, string? ns, string name, CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ObjectUri(resource, ns, name, null));
        try
        {
            return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Applies a JSON merge patch (RFC 7386) to the object or <paramref name="subresource"/>; returns the result.</summary>
    public async Task<T> MergePatchAsync<T>(ResourceDescriptor resource, string? ns, string name, string patch, string? subresource,
        CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, ObjectUri(resource, ns, name, subresource))
        {
            Content = new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"),
        };
        return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Server-side apply (a PATCH of type <c>application/apply-patch+yaml</c>; the body is JSON, which is YAML) to the object or
    /// <paramref name="subresource"/> as <paramref name="fieldManager"/>, with <c>force</c> when <paramref name="force"/>.
    /// </summary>
    public async Task<T> ApplyAsync<T>(ResourceDescriptor resource, string? ns, string name, string body, string? subresource,
        string fieldManager, bool force, CancellationToken cancellationToken) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        var uri = ObjectUri(resource, ns, name, subresource);
        var query = "?fieldManager=" + Uri.EscapeDataString(fieldManager) + (force ? "&force=true" : "");
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(uri.AbsoluteUri + query))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/apply-patch+yaml"),
        };
        return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the object or <paramref name="subresource"/> (a PUT; the body's resourceVersion makes it conditional).</summary>
    public async Task<T> ReplaceAsync<T>(ResourceDescriptor resource, string? ns, string name, T body, string? subresource,
        CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ObjectUri(resource, ns, name, subresource))
        {
            Content = new StringContent(KubernetesJson.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an object in the collection (namespace <paramref name="ns"/> when namespaced).</summary>
    public async Task<T> CreateAsync<T>(ResourceDescriptor resource, string? ns, T body, CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, resource.CollectionPath(ns)))
        {
            Content = new StringContent(KubernetesJson.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    private Uri ObjectUri(ResourceDescriptor resource, string? ns, string name, string? subresource)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = resource.CollectionPath(resource.Namespaced ? ns : null) + "/" + Uri.EscapeDataString(name);
        return new Uri(_base, subresource is null ? path : path + "/" + subresource);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken) where T : class
    {
        request.Headers.Accept.Add(Json);
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        using var response = await _client.HttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new KubernetesApiException(ParseStatus(text, response.StatusCode));
        }
        return KubernetesJson.Deserialize<T>(text);
    }

    private static V1Status ParseStatus(string body, HttpStatusCode code)
    {
        try
        {
            if (KubernetesJson.Deserialize<V1Status>(body) is { Kind: "Status" } status)
            {
                status.Code ??= (int)code;
                return status;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new V1Status { Kind = "Status", ApiVersion = "v1", Status = "Failure", Code = (int)code, Reason = code.ToString(),
            Message = body.Length > 256 ? body[..256] : body };
    }
}
