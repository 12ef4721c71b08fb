/**
 * DuckDB query results as Apache Arrow tables, for notebook code and
 * libraries that take Arrow (Observable Plot reads Arrow tables directly).
 *
 * @module
 */
import {
  Bool,
  type DataType,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Table,
  TimestampMillisecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { type DuckDBConnection, DuckDBTypeId } from "@duckdb/node-api";

/** An Arrow type and the conversion of DuckDB's JavaScript values into it. */
interface ColumnMapping {
  type: () => DataType;
  convert: (value: unknown) => unknown;
}

const same = (value: unknown) => value;
const toMilliseconds = (value: unknown) => (value instanceof Date ? value.getTime() : value);
const toFloat = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);
const toText = (value: unknown) =>
  typeof value === "string"
    ? value
    : JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? String(item) : item));

const TEXT: ColumnMapping = { type: () => new Utf8(), convert: toText };

/**
 * Arrow type per DuckDB type. HUGEINT, UHUGEINT and BIGNUM become Float64
 * because Arrow has no 128-bit integer type, so their values past 2^53 are
 * rounded; `sum()` of a BIGINT column is a HUGEINT. Dates and timestamps
 * become millisecond timestamps in UTC. Types not listed (LIST, STRUCT, MAP,
 * INTERVAL, TIME, BLOB and others) become UTF-8 JSON text.
 */
const MAPPINGS: Partial<Record<DuckDBTypeId, ColumnMapping>> = {
  [DuckDBTypeId.BOOLEAN]: { type: () => new Bool(), convert: same },
  [DuckDBTypeId.TINYINT]: { type: () => new Int8(), convert: same },
  [DuckDBTypeId.SMALLINT]: { type: () => new Int16(), convert: same },
  [DuckDBTypeId.INTEGER]: { type: () => new Int32(), convert: same },
  [DuckDBTypeId.BIGINT]: { type: () => new Int64(), convert: same },
  [DuckDBTypeId.UTINYINT]: { type: () => new Uint8(), convert: same },
  [DuckDBTypeId.USMALLINT]: { type: () => new Uint16(), convert: same },
  [DuckDBTypeId.UINTEGER]: { type: () => new Uint32(), convert: same },
  [DuckDBTypeId.UBIGINT]: { type: () => new Uint64(), convert: same },
  [DuckDBTypeId.HUGEINT]: { type: () => new Float64(), convert: toFloat },
  [DuckDBTypeId.UHUGEINT]: { type: () => new Float64(), convert: toFloat },
  [DuckDBTypeId.BIGNUM]: { type: () => new Float64(), convert: toFloat },
  [DuckDBTypeId.FLOAT]: { type: () => new Float32(), convert: same },
  [DuckDBTypeId.DOUBLE]: { type: () => new Float64(), convert: same },
  [DuckDBTypeId.DECIMAL]: { type: () => new Float64(), convert: same },
  [DuckDBTypeId.VARCHAR]: { type: () => new Utf8(), convert: same },
  [DuckDBTypeId.ENUM]: { type: () => new Utf8(), convert: same },
  [DuckDBTypeId.UUID]: { type: () => new Utf8(), convert: same },
  [DuckDBTypeId.DATE]: { type: () => new TimestampMillisecond("UTC"), convert: toMilliseconds },
  [DuckDBTypeId.TIMESTAMP]: { type: () => new TimestampMillisecond(), convert: toMilliseconds },
  [DuckDBTypeId.TIMESTAMP_S]: { type: () => new TimestampMillisecond(), convert: toMilliseconds },
  [DuckDBTypeId.TIMESTAMP_MS]: { type: () => new TimestampMillisecond(), convert: toMilliseconds },
  [DuckDBTypeId.TIMESTAMP_NS]: { type: () => new TimestampMillisecond(), convert: toMilliseconds },
  [DuckDBTypeId.TIMESTAMP_TZ]: {
    type: () => new TimestampMillisecond("UTC"),
    convert: toMilliseconds,
  },
};

/**
 * Runs a query and returns its result as an Arrow table with one column per
 * result column, typed from the DuckDB column types (see `MAPPINGS` for the
 * rules). Nulls stay nulls.
 *
 * @param connection An open DuckDB connection.
 * @param sql One SQL statement that returns rows.
 * @returns The result as an Arrow table; an empty result keeps its columns.
 */
export async function queryArrow(connection: DuckDBConnection, sql: string): Promise<Table> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumnsJS();

  const vectors: Record<string, Vector> = {};
  names.forEach((name, k) => {
    const mapping = MAPPINGS[types[k]!.typeId] ?? TEXT;
    const values = (columns[k] ?? []).map((value) =>
      value === null || value === undefined ? null : mapping.convert(value)
    );
    vectors[name] = vectorFromArray(values, mapping.type()) as Vector;
  });
  return new Table(vectors);
}
