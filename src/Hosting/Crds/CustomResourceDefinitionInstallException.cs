using System.Net;

namespace KubeInformers.Hosting.Crds;

/// <summary>
/// Installing a CustomResourceDefinition failed: the server refused it (403 Forbidden names the missing RBAC rule,
/// 422 the invalid field), it did not become <c>Established</c> in time, or the server could not be reached. The
/// message names the CRD.
/// </summary>
public sealed class CustomResourceDefinitionInstallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CustomResourceDefinitionInstallException(string definitionName, string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        DefinitionName = definitionName;
        StatusCode = statusCode;
    }

    /// <summary>The CRD's name (<c>plural.group</c>).</summary>
    public string DefinitionName { get; }

    /// <summary>The HTTP status the server answered with, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}
