using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using k8s;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class SecurityTests
{
    [Fact]
    public async Task A_body_over_the_limit_is_413_with_a_Status_and_nothing_is_stored()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { MaxRequestBodyBytes = 64 * 1024 });
        using var http = Http(emu);
        var big = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"v":"{{{new string('x', 100 * 1024)}}}"}}""";
        var small = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"small"}}""";

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", big);
        var (smallCode, _, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", small);
        var (getCode, _, _) = await SendAsync(http, HttpMethod.Get, "api/v1/namespaces/default/configmaps/big");

        Assert.Equal(413, code);
        AssertStatus(body, 413, "RequestEntityTooLarge");
        Assert.Contains("limit is 65536", body["message"]!.GetValue<string>());
        Assert.Equal(201, smallCode);
        Assert.Equal(404, getCode);
    }

    [Fact]
    public async Task The_default_body_limit_is_the_real_servers_3_MiB()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        var big = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"v":"{{{new string('x', 3 * 1024 * 1024)}}}"}}""";

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", big);

        Assert.Equal(413, code);
        Assert.Contains("limit is 3145728", body["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("DELETE", "api/v1/namespaces/kube-public/configmaps/%2e%2e")]
    [InlineData("DELETE", "api/v1/namespaces/kube-public/configmaps/%2E%2E")]
    [InlineData("GET", "api/v1/namespaces/kube-public/configmaps/%2e")]
    [InlineData("DELETE", "api/v1/namespaces/kube-public/configmaps/a%2Fb")]
    public async Task Dot_segments_and_slashes_in_names_are_rejected_and_touch_nothing(string method, string path)
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("keep"), "kube-public", cancellationToken: Timeout());
        using var http = Http(emu);

        // Sent as written: System.Uri would otherwise resolve the dot segments before the request leaves.
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(emu.BaseUri + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
        using var response = await http.SendAsync(request, Timeout());
        var code = (int)response.StatusCode;
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var ns = await client.CoreV1.ReadNamespaceAsync("kube-public", cancellationToken: Timeout());
        var kept = await client.CoreV1.ReadNamespacedConfigMapAsync("keep", "kube-public", cancellationToken: Timeout());

        Assert.Equal(400, code);
        AssertStatus(body, 400, "BadRequest");
        Assert.Null(ns.Metadata.DeletionTimestamp);
        Assert.Equal("keep", kept.Metadata.Name);
    }

    [Fact]
    public async Task A_negative_watch_timeout_is_rejected()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, body, _) = await SendAsync(http, HttpMethod.Get, "api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=-5");

        Assert.Equal(400, code);
        AssertStatus(body, 400, "BadRequest");
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(99)]
    [InlineData(600)]
    public async Task The_admin_endpoint_rejects_a_status_that_is_not_an_http_error(int status)
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, _, _) = await SendAsync(http, HttpMethod.Post, $"emulator/faults/fail?count=1&status={status}");
        var (next, _, _) = await SendAsync(http, HttpMethod.Get, "api/v1/namespaces");

        Assert.Equal(400, code);
        Assert.Equal(200, next);
        Assert.Throws<ArgumentOutOfRangeException>(() => emu.Faults.FailNextRequests(1, status));
    }

    [Fact]
    public async Task The_admin_endpoint_requires_the_token_when_one_is_set()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { Token = "api-token" });
        using var anonymous = Http(emu);
        using var withToken = Http(emu, "api-token");

        var (refused, body, _) = await SendAsync(anonymous, HttpMethod.Post, "emulator/faults/fail?count=1&status=503");
        var pendingAfterRefusal = emu.Faults.PendingFailures;
        var (accepted, _, _) = await SendAsync(withToken, HttpMethod.Post, "emulator/faults/clear");

        Assert.Equal(401, refused);
        AssertStatus(body, 401, "Unauthorized");
        Assert.Equal(0, pendingAfterRefusal);
        Assert.Equal(200, accepted);
    }

    [Fact]
    public async Task A_separate_admin_token_guards_the_admin_endpoint_alone()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { Token = "api-token", AdminToken = "admin-token" });
        using var api = Http(emu, "api-token");
        using var admin = Http(emu, "admin-token");

        var (apiOnAdmin, _, _) = await SendAsync(api, HttpMethod.Post, "emulator/faults/clear");
        var (adminOnAdmin, _, _) = await SendAsync(admin, HttpMethod.Post, "emulator/faults/clear");
        var (apiOnApi, _, _) = await SendAsync(api, HttpMethod.Get, "api/v1/namespaces");

        Assert.Equal(401, apiOnAdmin);
        Assert.Equal(200, adminOnAdmin);
        Assert.Equal(200, apiOnApi);
    }

    [Theory]
    [InlineData("evil.example.com", 403)]
    [InlineData("localhost", 200)]
    [InlineData("127.0.0.1", 200)]
    public async Task Without_a_token_only_loopback_host_names_are_served(string host, int expected)
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces");
        request.Headers.Host = host + ":" + emu.BaseUri.Port;

        using var response = await http.SendAsync(request, Timeout());

        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public async Task With_a_token_any_host_name_is_served_to_a_client_that_has_it()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { Token = "t" });
        using var http = Http(emu, "t");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces");
        request.Headers.Host = "emulator.internal";

        using var response = await http.SendAsync(request, Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_kubeconfig_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX modes only
        }

        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { Token = "secret" });
        var path = Path.Combine(Path.GetTempPath(), $"emu-{Guid.NewGuid():N}.kubeconfig");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            emu.WriteKubeconfig(path);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Contains("token: secret", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_http_kubeconfig_marks_tls_verification_off_so_client_node_accepts_it()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"emu-{Guid.NewGuid():N}.kubeconfig");
        try
        {
            emu.WriteKubeconfig(path);
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

            var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());

            Assert.Contains("insecure-skip-tls-verify: true", File.ReadAllText(path));
            Assert.StartsWith("http://", emu.BaseUri.ToString());
            Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_certificate_directory_keeps_the_same_certificate_across_restarts()
    {
        var dir = Directory.CreateTempSubdirectory("emu-certs-");
        try
        {
            string first, second;
            await using (var a = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true, CertificateDirectory = dir.FullName }))
            {
                first = a.CertificateAuthorityPem!;
            }

            await using (var b = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true, CertificateDirectory = dir.FullName }))
            {
                second = b.CertificateAuthorityPem!;
                using var client = b.CreateClient();
                var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());
                Assert.NotEmpty(namespaces.Items);
            }

            Assert.Equal(first, second);
            Assert.True(File.Exists(Path.Combine(dir.FullName, "tls.key")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir.FullName, "tls.key")));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_program_reads_the_token_from_a_file()
    {
        var dir = Directory.CreateTempSubdirectory("emu-token-");
        try
        {
            var tokenFile = Path.Combine(dir.FullName, "token");
            await File.WriteAllTextAsync(tokenFile, "from-file\n");
            var kubeconfig = Path.Combine(dir.FullName, "config");
            using var stop = new CancellationTokenSource();
            var output = new StringWriter();
            var run = EmulatorProgram.RunAsync(["--port", "0", "--token-file", tokenFile, "--tls", "--kubeconfig", kubeconfig], TextWriter.Synchronized(output), stop.Token);
            await Wait.UntilAsync(() => File.Exists(kubeconfig) || run.IsCompleted, "the kubeconfig is written");
            await Wait.UntilAsync(() => new FileInfo(kubeconfig).Length > 0, "the kubeconfig has content");
            var text = await File.ReadAllTextAsync(kubeconfig);
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());
            stop.Cancel();
            await run.WaitAsync(Timeout());

            Assert.Contains("token: from-file", text);
            Assert.NotEmpty(namespaces.Items);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Help_says_kubectl_needs_tls_to_send_a_token()
    {
        var output = new StringWriter();

        var exit = await EmulatorProgram.RunAsync(["--help"], output, Timeout());

        Assert.Equal(0, exit);
        Assert.Contains("--token-file", output.ToString());
        Assert.Contains("kubectl sends a token only over", output.ToString());
        Assert.Contains(EmulatorProgram.TokenVariable, output.ToString());
    }

    [Fact]
    public async Task An_in_process_emulator_leaves_SIGTERM_to_its_host()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // this test process is the host: it handles SIGTERM itself and keeps running
            received.TrySetResult();
        });

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Timeout());
        }

        await received.Task.WaitAsync(Timeout());
        var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());

        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
    }
}
