#!/usr/bin/env python3
"""What the LRS holds for a course, as scripts/run.sh shows it.

    lrs_summary.py CONFIG REVIEW_JSON

CONFIG is the sync config (schemas/config.schema.json): the first xAPI target's
endpoint and credentials, the course IRI and the profile IRI. REVIEW_JSON is
`coursecrew review --format json` output, for the first module's identifier.
Prints the course's statements counted by verb, then the first module's status
document (docs/xapi-profile.md, "The module status document").
"""
import base64
import json
import os
import sys
import urllib.parse
import urllib.request
from collections import Counter

DEFAULT_PROFILE = "https://w3id.org/xapi/coursecrew"


def secret(value):
    """A config secret: a string, or {"env": NAME} / {"file": PATH}."""
    if isinstance(value, dict):
        if "env" in value:
            return os.environ.get(value["env"], "")
        if "file" in value:
            with open(value["file"]) as f:
                return f.read().strip()
    return value or ""


def client(target):
    endpoint = target["endpoint"].rstrip("/") + "/"
    headers = {"X-Experience-API-Version": "1.0.3"}
    auth = target.get("auth", {})
    if auth.get("type") == "basic":
        token = f"{auth.get('username', '')}:{secret(auth.get('password'))}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    elif auth.get("type") == "bearer":
        headers["Authorization"] = "Bearer " + secret(auth.get("token"))

    def get(path, query=None):
        url = urllib.parse.urljoin(endpoint, path)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    return endpoint, get


def main():
    config_path, review_path = sys.argv[1], sys.argv[2]
    with open(config_path) as f:
        config = json.load(f)
    with open(review_path) as f:
        review = json.load(f)
    target = next((t for t in config["targets"] if t.get("kind", "xapi") == "xapi"), None)
    if target is None:
        print("(the config names no xAPI target: nothing to show)")
        return
    endpoint, get = client(target)
    course = config["course_iri"].rstrip("/")

    verbs = Counter()
    page = get("statements", {"activity": course, "related_activities": "true", "limit": 500})
    while True:
        for statement in page.get("statements", []):
            verbs[statement["verb"]["id"].rsplit("/", 1)[-1]] += 1
        more = page.get("more")
        if not more:
            break
        page = get(urllib.parse.urljoin(endpoint, more))
    print(f"statements about {course} at {endpoint}: {sum(verbs.values())}")
    for verb, n in sorted(verbs.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:5}  {verb}")

    modules = review.get("modules", [])
    if not modules:
        return
    module = modules[0]["id"]
    profile = config.get("profile_iri", DEFAULT_PROFILE).rstrip("/") + "/documents/module-status"
    activity = f"{course}/modules/{module}"
    try:
        document = get("activities/profile", {"activityId": activity, "profileId": profile})
    except urllib.error.HTTPError as e:
        print(f"\nno status document for module {module} ({e.code})")
        return
    print(f"\nstatus document of module {module} ({activity}):")
    print(json.dumps(document, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
