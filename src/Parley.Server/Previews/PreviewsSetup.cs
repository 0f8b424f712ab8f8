using Parley.Server.Messages;

namespace Parley.Server.Previews;

public static class PreviewsSetup
{
    public static IServiceCollection AddPreviews(this IServiceCollection services)
    {
        services.AddOptions<PreviewOptions>().BindConfiguration("Previews");
        services.AddSingleton<PreviewFetcher>();
        services.AddSingleton<PreviewStore>();
        services.AddSingleton<PreviewWorker>();
        services.AddSingleton<IMessageSentListener>(sp => sp.GetRequiredService<PreviewWorker>());
        services.AddSingleton<IMessageEditedListener>(sp => sp.GetRequiredService<PreviewWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<PreviewWorker>());
        return services;
    }
}
