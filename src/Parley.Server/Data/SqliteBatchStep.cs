namespace Parley.Server.Data;

/// <summary>
/// Work a feature hangs on the SQLite writer's batches: <see cref="SetupSql"/> runs once on the writer's connection
/// when it opens (e.g. a TEMP table), <see cref="BeforeCommitSql"/> once per batch, after every write in it was
/// released from its savepoint and before the commit. Features register these as singletons.
/// </summary>
public sealed record SqliteBatchStep(string SetupSql, string BeforeCommitSql);
