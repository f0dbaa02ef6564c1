// Every published serving table read through Evidence's DuckDB source (@evidence-dev/duckdb), as
// an Evidence project with `filename: published.duckdb` reads it: row counts, the Evidence type
// of each column, and the headline's first row as Evidence hands it to its charts.
// Usage: node read_published.cjs <folder> <file name>; prints one JSON object.
const { getRunner } = require('@evidence-dev/duckdb');
const { version } = require('@duckdb/node-api/package.json');

async function readAll(runner, sql) {
	const result = await runner(sql, 'query.sql', 10000);
	const rows = [];
	for await (const batch of result.rows()) rows.push(...batch);
	return { rows, columnTypes: result.columnTypes };
}

(async () => {
	const [directory, filename] = process.argv.slice(2);
	const runner = await getRunner({ filename }, directory);
	const { rows: tables } = await readAll(
		runner,
		"SELECT table_name FROM duckdb_tables() WHERE schema_name = 'serving' ORDER BY 1"
	);
	const out = { node_api: version, tables: {} };
	for (const { table_name: table } of tables) {
		const { rows, columnTypes } = await readAll(runner, `SELECT * FROM serving."${table}"`);
		out.tables[table] = {
			rows: rows.length,
			types: Object.fromEntries(columnTypes.map((c) => [c.name, c.evidenceType]))
		};
	}
	const { rows: headline } = await readAll(
		runner,
		'SELECT team_id, total_cost_usd, cost_per_accepted_action, attempted_actions ' +
			'FROM serving.showback_by_team_monthly ORDER BY month, team_id LIMIT 1'
	);
	out.headline = headline[0];
	const { rows: weekly } = await readAll(
		runner,
		"SELECT COUNT(*) AS n FROM showback_between(NULL, NULL, by_week := true, at_grain := 'team')"
	);
	out.weekly_team_rows = Number(weekly[0].n);
	process.stdout.write(JSON.stringify(out));
})().catch((error) => {
	process.stderr.write(String(error?.stack ?? error));
	process.exit(1);
});
