"""Drives the simulated API server with the official Kubernetes Python client (Debian's python3-kubernetes).

Lists pods page by page (limit + continue), then watches pods from the list's resourceVersion with
bookmarks allowed until the test's change arrives, and prints one JSON line per finding for the test.
Arguments: kubeconfig path, page size, watch timeout in seconds.
"""
import json
import sys

from kubernetes import client, config, watch


def main() -> None:
    kubeconfig, limit, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    names, pages, cont, rv = [], 0, None, None
    while True:
        page = v1.list_pod_for_all_namespaces(limit=limit, _continue=cont)
        pages += 1
        names += [f"{p.metadata.namespace}/{p.metadata.name}" for p in page.items]
        rv = page.metadata.resource_version
        cont = page.metadata._continue
        if not cont:
            break
    print(json.dumps({"pods": len(names), "distinct": len(set(names)), "pages": pages, "resourceVersion": rv}), flush=True)
    nodes = v1.list_node()
    print(json.dumps({"nodes": sorted(n.metadata.name for n in nodes.items)}), flush=True)
    w = watch.Watch()
    for ev in w.stream(v1.list_pod_for_all_namespaces, resource_version=rv, allow_watch_bookmarks=True, timeout_seconds=timeout):
        obj = ev["object"]
        name = obj.metadata.name if hasattr(obj, "metadata") else obj.get("metadata", {}).get("name")
        print(json.dumps({"event": ev["type"], "name": name}), flush=True)
        if ev["type"] == "DELETED":
            w.stop()
    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main()
