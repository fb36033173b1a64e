"""Exit 0 when the PostgreSQL server at the given URL answers, 1 otherwise."""

import asyncio
import sys

import asyncpg


async def main(url: str) -> int:
    try:
        connection = await asyncpg.connect(url, timeout=5)
    except Exception as error:
        print(f"PostgreSQL check failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    await connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1])))
