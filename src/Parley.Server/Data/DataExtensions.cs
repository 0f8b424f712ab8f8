using Dapper;

namespace Parley.Server.Data;

public static class DataExtensions
{
    public static IServiceCollection AddParleyData(this IServiceCollection services, IConfiguration configuration)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var options = new DataOptions();
        configuration.GetSection("Data").Bind(options);
        options.PostgresConnection ??= configuration.GetConnectionString("Postgres");
        options.SqliteConnection ??= configuration.GetConnectionString("Sqlite");
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<Db>();
        services.AddSingleton<Migrator>();
        return services;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
}
