"""MLCommons Croissant 1.0 metadata for a release: one FileObject per Parquet file, one RecordSet per table.

Written by hand as JSON-LD (no dependency at release time); the tests check it with the `mlcroissant` library.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
# The @context every Croissant 1.0 document carries (Croissant 1.0 specification, "Appendix 1: JSON-LD context").
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
LICENSES = [
    "https://opensource.org/licenses/MIT",  # the atlas, and ShrinkBench's rows (data/NOTICE)
    "https://www.apache.org/licenses/LICENSE-2.0",  # State of Sparsity's rows (data/NOTICE)
]
KEYS = {"results": "result_id", "papers": "paper_key"}


def data_type(arrow_type: pa.DataType) -> str:
    """The schema.org type of a Parquet column."""
    if pa.types.is_boolean(arrow_type):
        return "sc:Boolean"
    if pa.types.is_integer(arrow_type):
        return "sc:Integer"
    if pa.types.is_floating(arrow_type):
        return "sc:Float"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "sc:Text"
    raise TypeError(f"no Croissant type for a column of type {arrow_type}")


def record_set(name: str, schema: pa.Schema, description: str, columns: dict[str, str]) -> dict[str, Any]:
    """The RecordSet of one released table: every column a Field read from its Parquet file."""
    fields = [
        {
            "@type": "cr:Field",
            "@id": f"{name}/{column.name}",
            "name": column.name,
            "description": columns[column.name],
            "dataType": data_type(column.type),
            "source": {"fileObject": {"@id": f"{name}.parquet"}, "extract": {"column": column.name}},
        }
        for column in schema
    ]
    out: dict[str, Any] = {"@type": "cr:RecordSet", "@id": name, "name": name, "description": description}
    if name in KEYS:
        out["key"] = {"@id": f"{name}/{KEYS[name]}"}
    out["field"] = fields
    return out


def metadata(
    version: str,
    description: str,
    files: dict[str, tuple[pa.Schema, str, str]],
    columns: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """The whole document. `files` maps each table to its schema, the file's sha256 and a description."""
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": "PruneAtlas",
        "description": description,
        "conformsTo": CONFORMS_TO,
        "version": version,
        "license": LICENSES,
        "citeAs": f"PruneAtlas contributors. PruneAtlas, an atlas of neural-network pruning results, {version}.",
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": f"{name}.parquet",
                "name": f"{name}.parquet",
                "description": about,
                "contentUrl": f"{name}.parquet",
                "encodingFormat": "application/x-parquet",
                "sha256": sha256,
            }
            for name, (_, sha256, about) in files.items()
        ],
        "recordSet": [record_set(name, schema, about, columns[name]) for name, (schema, _, about) in files.items()],
    }
