"""templates/spec.schema.json against the C validator.

Every case of tests/data/spec and every example is checked with python's
jsonschema; the C validator's verdict is the case's folder (valid/ or
invalid/; examples are all valid, as test_validate checks on the binary).
The two must agree, except for the few rules JSON Schema cannot state,
listed in BEYOND_SCHEMA. The log format patterns are checked field by field
against the registry in engine/logformat.c.
"""

import glob
import json
import os
import re
import unittest

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("VPCFLOW_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
SCHEMA_PATH = os.path.join(SOURCE_DIR, "templates", "spec.schema.json")
CASES = os.path.join(SOURCE_DIR, "tests", "data", "spec")

# Invalid cases that only the C validator can reject, with the reason.
BEYOND_SCHEMA = {
    "logformat-duplicate-field": "a field listed twice in a log format",
    "logformat-alias-duplicate": "an alias repeating fields listed already",
    "firehose-arn-other-region": "a stream ARN's region compared with the regions listed",
}


class DuplicateKey(ValueError):
    pass


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise DuplicateKey("duplicate key")
    return dict(pairs)


def load(path):
    """The JSON document at path, or None where the C validator rejects the
    text itself (syntax errors, duplicate keys, an empty file)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except ValueError:
        return None


def registry():
    """(name, scope) of every field of engine/logformat.c."""
    with open(os.path.join(SOURCE_DIR, "engine", "logformat.c"), encoding="utf-8") as f:
        src = f.read()
    fields = re.findall(r'\{"([a-z0-9-]+)",\s*(\d+),\s*LOGFORMAT_\w+,\s*(VPC|TGW|BOTH),', src)
    return [(name, scope) for name, _, scope in fields]


class SpecSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            cls.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft202012Validator(cls.schema)

    def schema_errors(self, doc):
        return [e.message for e in self.validator.iter_errors(doc)]

    def cases(self, kind):
        dirs = sorted(d for d in glob.glob(os.path.join(CASES, kind, "*"))
                      if os.path.isfile(os.path.join(d, "spec.json")))
        self.assertTrue(dirs, "no %s cases" % kind)
        return dirs

    def test_valid_cases_are_schema_valid(self):
        for d in self.cases("valid"):
            with self.subTest(case=os.path.basename(d)):
                doc = load(os.path.join(d, "spec.json"))
                self.assertIsNotNone(doc)
                self.assertEqual(self.schema_errors(doc), [])

    def test_normalized_specs_are_schema_valid(self):
        for d in self.cases("valid"):
            with self.subTest(case=os.path.basename(d)):
                doc = load(os.path.join(d, "normalized.json"))
                self.assertEqual(self.schema_errors(doc), [])

    def test_invalid_cases_are_schema_invalid(self):
        seen = set()
        for d in self.cases("invalid"):
            name = os.path.basename(d)
            with self.subTest(case=name):
                doc = load(os.path.join(d, "spec.json"))
                errors = None if doc is None else self.schema_errors(doc)
                if name in BEYOND_SCHEMA:
                    seen.add(name)
                    self.assertEqual(errors, [], "listed in BEYOND_SCHEMA but the schema "
                                                 "rejects it: drop it from the list")
                elif doc is not None:
                    self.assertNotEqual(errors, [], "the C validator rejects it (error.txt)")
        self.assertEqual(seen, set(BEYOND_SCHEMA))

    def test_examples_are_schema_valid(self):
        examples = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "*.json")))
        self.assertTrue(examples)
        for path in examples:
            with self.subTest(example=os.path.basename(path)):
                self.assertEqual(self.schema_errors(load(path)), [])

    def test_log_format_fields_match_the_registry(self):
        fields = registry()
        self.assertEqual(len(fields), 60)
        for name, scope in fields:
            for resource, scopes in (("VPC", ("VPC", "BOTH")),
                                     ("TransitGateway", ("TGW", "BOTH"))):
                for text in (name, "${%s}" % name, "srcaddr %s dstaddr" % name):
                    with self.subTest(resource=resource, log_format=text):
                        doc = {"flowLogConfig": {"resourceType": resource, "logFormat": text}}
                        self.assertEqual(self.schema_errors(doc) == [], scope in scopes)

    def test_log_format_forms(self):
        good = ["default", "DEFAULT", "srcaddr dstaddr protocol action port instance",
                "${srcaddr}${dstaddr}\tport\n", "default vpc-id", "${port} src dst"]
        bad = ["", "  ", "srcadr", "${default}", "${srcaddr", "${}", "srcaddr,dstaddr",
               "$ {srcaddr}"]
        for text in good + bad:
            with self.subTest(log_format=text):
                doc = {"flowLogConfig": {"resourceType": "VPC", "logFormat": text}}
                self.assertEqual(self.schema_errors(doc) == [], text in good)

    def test_schema_is_embedded_unchanged(self):
        # The binary serves templates/ as they are; the schema must stay
        # plain JSON with the draft it declares.
        self.assertEqual(self.schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        self.assertEqual(self.schema["$defs"]["config"]["additionalProperties"], False)


if __name__ == "__main__":
    unittest.main()
