using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>
/// The certificate the harness's <c>--tls</c> server presents: made in-process at start, self-signed, ECDSA P-256,
/// valid for the IP address 127.0.0.1 (subjectAltName) and for server authentication (extended key usage), so a
/// client that trusts it as its certificate authority (the kubeconfig's <c>certificate-authority-data</c>) verifies
/// the server as it would a cluster's: chain to that authority and the address in the certificate.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>Makes a certificate with its private key, valid from an hour ago for a day.</summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubeinformers-bench", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        // A self-signed certificate that is its own authority, as kubeadm's and kind's API server CAs are authorities.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The certificate (without its key) as PEM, as a kubeconfig's <c>certificate-authority-data</c> holds it once base64-encoded.</summary>
    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";
}
