using System.Globalization;
using System.Net;
using Parley.Tests.Support;

namespace Parley.Tests;

public sealed class MetricsApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Metrics:Allow", "127.0.0.1, ::1")];
}

public sealed class MetricsElsewhereApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Metrics:Allow", "10.0.0.0/8")];
}

/// <summary><c>/metrics</c>: the Prometheus text format, parsed line by line, moving with what the server does.</summary>
public sealed class MetricsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task A_scrape_parses_and_counts_sockets_deliveries_sends_transactions_resumes_and_routes()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var group = await ann.GroupAsync(bob);
        await using var annSocket = await ann.OnlineAsync();
        await using var bobSocket = await bob.OnlineAsync();
        var before = await ScrapeAsync();
        Assert.True(before.Value("parley_sockets_open") >= 2);

        await ann.SendAsync(group, "counted");
        await annSocket.EventAsync("message:new", group);
        await bobSocket.EventAsync("message:new", group);
        var (ack, _) = await bobSocket.ExchangeAsync("resume", new { since = 0 });
        Assert.True(ack.GetProperty("ok").GetBoolean());
        var after = await ScrapeAsync();

        Assert.True(after.Value("parley_events_delivered_total") - before.Value("parley_events_delivered_total") >= 2);
        Assert.Equal(1, after.Value("parley_message_send_duration_seconds_count") - before.Value("parley_message_send_duration_seconds_count"));
        Assert.True(after.Value("parley_message_send_duration_seconds_sum") > before.Value("parley_message_send_duration_seconds_sum"));
        Assert.True(after.Value("parley_db_transaction_duration_seconds_count") > before.Value("parley_db_transaction_duration_seconds_count"));
        Assert.True(after.Value("parley_db_transaction_batch_size_sum") >= after.Value("parley_db_transaction_batch_size_count"));
        Assert.Equal(1, after.Value("parley_resume_requests_total") - before.Value("parley_resume_requests_total"));
        Assert.Equal(0, after.Value("parley_resume_gaps_total"));
        Assert.Equal(0, after.Value("parley_events_dropped_total"));
        Assert.True(after.Value("parley_send_queue_frames") >= 0);
        if (ParleyApp.TestBusIsRedis) Assert.True(after.Value("parley_redis_publish_lag_seconds_count") > 0);

        // Requests are labelled by route template, never by the ids in the path.
        var sends = after.Series("parley_http_request_duration_seconds_count")
            .Where(s => s.Labels.Contains("method=\"POST\"") && s.Labels.Contains("/messages")).ToList();
        var send = Assert.Single(sends);
        Assert.Contains("{", send.Labels);
        Assert.DoesNotContain(group, send.Labels);
        Assert.Contains("status=\"2xx\"", send.Labels);
        Assert.DoesNotContain(after.Series("parley_http_request_duration_seconds_count"), s => s.Labels.Contains(ann.Id));
    }

    [Fact]
    public async Task The_answer_is_the_prometheus_text_format()
    {
        var response = await app.Http().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE parley_events_delivered_total counter", text);
        Assert.Contains("# TYPE parley_message_send_duration_seconds histogram", text);
        Assert.Contains("# HELP parley_sockets_open ", text);
    }

    private async Task<Scrape> ScrapeAsync() => Scrape.Parse(await app.Http().GetStringAsync("/metrics"));

    /// <summary>Samples of a scrape: <c>name{labels} value</c> per line, comments skipped.</summary>
    private sealed record Scrape(List<(string Name, string Labels, double Value)> Samples)
    {
        public static Scrape Parse(string text)
        {
            var samples = new List<(string, string, double)>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith('#')) continue;
                var space = line.LastIndexOf(' ');
                var series = line[..space];
                var brace = series.IndexOf('{');
                var (name, labels) = brace < 0 ? (series, "") : (series[..brace], series[brace..]);
                samples.Add((name, labels, double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
            }
            Assert.NotEmpty(samples);
            return new Scrape(samples);
        }

        public IEnumerable<(string Name, string Labels, double Value)> Series(string name) => Samples.Where(s => s.Name == name);

        public double Value(string name) => Assert.Single(Series(name)).Value;
    }
}

public sealed class MetricsAccessTests(MetricsElsewhereApp app) : IClassFixture<MetricsElsewhereApp>
{
    [Fact]
    public async Task An_address_outside_the_allowed_networks_gets_403_in_the_envelope()
    {
        var response = await ApiResponse.ReadAsync(await app.Http().GetAsync("/metrics"));
        response.ExpectError(403, "forbidden");
    }
}

public sealed class MetricsOffTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task Metrics_are_off_by_default()
    {
        var response = await ApiResponse.ReadAsync(await app.Http().GetAsync("/metrics"));
        response.ExpectError(404, "not_found");
    }
}
