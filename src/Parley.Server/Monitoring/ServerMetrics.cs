using System.Diagnostics;
using Prometheus;

namespace Parley.Server.Monitoring;

/// <summary>
/// This server's instruments, in a registry of its own (several servers share a process in the tests, and each one's
/// figures must stay its own). Recording is a lock-free add; the gauges that describe current state (open sockets,
/// queued frames) are read when <c>/metrics</c> is scraped, by the layers that know them (<see cref="OnScrape"/>).
/// </summary>
public sealed class ServerMetrics
{
    private static readonly double[] Latency = [.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10];

    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);

        SocketsOpen = factory.CreateGauge("parley_sockets_open", "Live sockets on this node (gateway and Socket.IO).");
        SendQueueDepth = factory.CreateGauge("parley_send_queue_frames", "Frames waiting in this node's socket send queues, summed.");
        SendQueueDeepest = factory.CreateGauge("parley_send_queue_frames_max", "Frames waiting in the fullest socket send queue.");
        EventsDelivered = factory.CreateCounter("parley_events_delivered_total", "Events queued to a socket by fan-out (one per socket).");
        EventsDropped = factory.CreateCounter("parley_events_dropped_total",
            "Events a socket did not get live because its send queue was full (the socket is closed and resumes).");
        SlowConsumerCloses = factory.CreateCounter("parley_slow_consumer_closes_total", "Sockets closed because their send queue was full.");
        SendDuration = factory.CreateHistogram("parley_message_send_duration_seconds",
            "Time to accept a message, from the request to the commit (REST, gateway and Socket.IO).", Buckets(Latency));
        TransactionDuration = factory.CreateHistogram("parley_db_transaction_duration_seconds",
            "Time a write transaction (a batch of writes on SQLite) took, from begin to commit.", Buckets(Latency));
        TransactionBatchSize = factory.CreateHistogram("parley_db_transaction_batch_size", "Writes committed together in one transaction.",
            Buckets([1, 2, 4, 8, 16, 32, 64, 128, 256]));
        BusPublishLag = factory.CreateHistogram("parley_redis_publish_lag_seconds",
            "Time from publishing a batch of events on Redis to its echo arriving back on this node.", Buckets(Latency));
        ResumeRequests = factory.CreateCounter("parley_resume_requests_total", "Resume requests (gateway resume, Socket.IO recovery, /api/sync).");
        ResumeGaps = factory.CreateCounter("parley_resume_gaps_total", "Resumes that found their cursor expired (the client refetches).");
        HttpDuration = factory.CreateHistogram("parley_http_request_duration_seconds", "HTTP requests by route template, method and status class.",
            new HistogramConfiguration { Buckets = Latency, LabelNames = ["route", "method", "status"] });
    }

    public CollectorRegistry Registry { get; }
    public Gauge SocketsOpen { get; }
    public Gauge SendQueueDepth { get; }
    public Gauge SendQueueDeepest { get; }
    public Counter EventsDelivered { get; }
    public Counter EventsDropped { get; }
    public Counter SlowConsumerCloses { get; }
    public Histogram SendDuration { get; }
    public Histogram TransactionDuration { get; }
    public Histogram TransactionBatchSize { get; }
    public Histogram BusPublishLag { get; }
    public Counter ResumeRequests { get; }
    public Counter ResumeGaps { get; }
    public Histogram HttpDuration { get; }

    /// <summary>A socket's send queue overflowed: the event that did not fit is dropped and the socket closed.</summary>
    public void CountOverflow()
    {
        EventsDropped.Inc();
        SlowConsumerCloses.Inc();
    }

    /// <summary>Runs <paramref name="update"/> before every scrape, to set gauges from live state.</summary>
    public void OnScrape(Action update) => Registry.AddBeforeCollectCallback(update);

    public static double SecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalSeconds;

    private static HistogramConfiguration Buckets(double[] buckets) => new() { Buckets = buckets };
}
