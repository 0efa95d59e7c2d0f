"""Domains and types: register, describe, list, deprecate, undeprecate, delete, tags."""

from __future__ import annotations

from typing import Any

from swflow.devserver.engine import Engine
from swflow.devserver.faults import Fault
from swflow.devserver.model import Domain, TypeInfo
from swflow.devserver.paging import page
from swflow.devserver.regions import DEFAULT_REGION, arn, key_of_arn, plain

__all__ = ["Registry"]

_ACTIVITY_DEFAULTS = (
    "defaultTaskStartToCloseTimeout",
    "defaultTaskHeartbeatTimeout",
    "defaultTaskList",
    "defaultTaskPriority",
    "defaultTaskScheduleToStartTimeout",
    "defaultTaskScheduleToCloseTimeout",
)
_WORKFLOW_DEFAULTS = (
    "defaultTaskStartToCloseTimeout",
    "defaultExecutionStartToCloseTimeout",
    "defaultTaskList",
    "defaultTaskPriority",
    "defaultChildPolicy",
    "defaultLambdaRole",
)


def _label(kind: str, name: str, version: str) -> str:
    label = "ActivityType" if kind == "activity" else "WorkflowType"
    return f"{label}=[name={name}, version={version}]"


class Registry:
    """The domain and type operations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Domains.

    def RegisterDomain(self, p: dict[str, Any]) -> None:
        with self.engine.operation():
            if p["name"] in self.engine.domains:
                raise Fault("DomainAlreadyExistsFault", plain(p["name"])[0])
            tags = {t["key"]: t.get("value", "") for t in p.get("tags", [])}
            domain = Domain(
                p["name"],
                p["workflowExecutionRetentionPeriodInDays"],
                p.get("description"),
                tags=tags,
            )
            self.engine.domains[domain.name] = domain
            self.engine.store.save_domain(domain)

    def _domain_info(self, domain: Domain) -> dict[str, Any]:
        info = {"name": plain(domain.name)[0], "status": domain.status, "arn": arn(domain.name)}
        if domain.description:
            info["description"] = domain.description
        return info

    def DescribeDomain(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            domain = self.engine.domain(p["name"])
            return {
                "domainInfo": self._domain_info(domain),
                "configuration": {"workflowExecutionRetentionPeriodInDays": domain.retention},
            }

    def ListDomains(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            region = p.get("_region", DEFAULT_REGION)
            domains = sorted(
                (
                    d
                    for d in self.engine.domains.values()
                    if d.status == p["registrationStatus"] and plain(d.name)[1] == region
                ),
                key=lambda d: d.name,
                reverse=p.get("reverseOrder", False),
            )
            items, token = page([self._domain_info(d) for d in domains], p)
        return {"domainInfos": items, **token}

    def _set_domain_status(self, p: dict[str, Any], status: str, fault: str) -> None:
        with self.engine.operation():
            domain = self.engine.domain(p["name"])
            if domain.status == status:
                raise Fault(fault, plain(domain.name)[0])
            domain.status = status
            self.engine.store.save_domain(domain)

    def DeprecateDomain(self, p: dict[str, Any]) -> None:
        self._set_domain_status(p, "DEPRECATED", "DomainDeprecatedFault")

    def UndeprecateDomain(self, p: dict[str, Any]) -> None:
        self._set_domain_status(p, "REGISTERED", "DomainAlreadyExistsFault")

    # Tags (domains only).

    def _domain_by_arn(self, resource: str) -> Domain:
        key = key_of_arn(resource)
        if key is None or key not in self.engine.domains:
            raise Fault("UnknownResourceFault", f"Unknown resource: {resource[:200]}")
        return self.engine.domains[key]

    def TagResource(self, p: dict[str, Any]) -> None:
        with self.engine.operation():
            domain = self._domain_by_arn(p["resourceArn"])
            tags = {**domain.tags, **{t["key"]: t.get("value", "") for t in p["tags"]}}
            if len(tags) > 50:
                raise Fault("TooManyTagsFault", "a domain has at most 50 tags")
            domain.tags = tags
            self.engine.store.save_domain(domain)

    def UntagResource(self, p: dict[str, Any]) -> None:
        with self.engine.operation():
            domain = self._domain_by_arn(p["resourceArn"])
            domain.tags = {k: v for k, v in domain.tags.items() if k not in p["tagKeys"]}
            self.engine.store.save_domain(domain)

    def ListTagsForResource(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            domain = self._domain_by_arn(p["resourceArn"])
            return {"tags": [{"key": k, "value": v} for k, v in domain.tags.items()]}

    # Types.

    def _register(self, kind: str, p: dict[str, Any], defaults: tuple[str, ...]) -> None:
        with self.engine.operation():
            self.engine.domain(p["domain"])
            key = (kind, p["domain"], p["name"], p["version"])
            if key in self.engine.types:
                raise Fault("TypeAlreadyExistsFault", _label(kind, p["name"], p["version"]))
            info = TypeInfo(
                kind,
                p["domain"],
                p["name"],
                p["version"],
                created=self.engine.clock.now(),
                description=p.get("description"),
                defaults={k: p[k] for k in defaults if k in p},
            )
            self.engine.types[key] = info
            self.engine.store.save_type(info)

    def RegisterActivityType(self, p: dict[str, Any]) -> None:
        self._register("activity", p, _ACTIVITY_DEFAULTS)

    def RegisterWorkflowType(self, p: dict[str, Any]) -> None:
        self._register("workflow", p, _WORKFLOW_DEFAULTS)

    def _type_info(self, info: TypeInfo) -> dict[str, Any]:
        key = "activityType" if info.kind == "activity" else "workflowType"
        out: dict[str, Any] = {
            key: {"name": info.name, "version": info.version},
            "status": info.status,
            "creationDate": info.created,
        }
        if info.description:
            out["description"] = info.description
        if info.deprecated:
            out["deprecationDate"] = info.deprecated
        return out

    def _describe(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        key = "activityType" if kind == "activity" else "workflowType"
        with self.engine.lock:
            self.engine.domain(p["domain"])
            info = self.engine.type_info(kind, p["domain"], p[key]["name"], p[key]["version"])
            return {"typeInfo": self._type_info(info), "configuration": dict(info.defaults)}

    def DescribeActivityType(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._describe("activity", p)

    def DescribeWorkflowType(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._describe("workflow", p)

    def _list(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            self.engine.domain(p["domain"])
            infos = sorted(
                (
                    t
                    for t in self.engine.types.values()
                    if t.kind == kind
                    and t.domain == p["domain"]
                    and t.status == p["registrationStatus"]
                    and p.get("name") in (None, t.name)
                ),
                key=lambda t: (t.name, t.version),
                reverse=p.get("reverseOrder", False),
            )
            items, token = page([self._type_info(t) for t in infos], p)
        return {"typeInfos": items, **token}

    def ListActivityTypes(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._list("activity", p)

    def ListWorkflowTypes(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._list("workflow", p)

    def _set_type_status(self, kind: str, p: dict[str, Any], status: str, fault: str) -> None:
        key = "activityType" if kind == "activity" else "workflowType"
        with self.engine.operation():
            self.engine.domain(p["domain"])
            info = self.engine.type_info(kind, p["domain"], p[key]["name"], p[key]["version"])
            if info.status == status:
                raise Fault(fault, _label(kind, info.name, info.version))
            info.status = status
            info.deprecated = self.engine.clock.now() if status == "DEPRECATED" else None
            self.engine.store.save_type(info)

    def DeprecateActivityType(self, p: dict[str, Any]) -> None:
        self._set_type_status("activity", p, "DEPRECATED", "TypeDeprecatedFault")

    def DeprecateWorkflowType(self, p: dict[str, Any]) -> None:
        self._set_type_status("workflow", p, "DEPRECATED", "TypeDeprecatedFault")

    def UndeprecateActivityType(self, p: dict[str, Any]) -> None:
        self._set_type_status("activity", p, "REGISTERED", "TypeAlreadyExistsFault")

    def UndeprecateWorkflowType(self, p: dict[str, Any]) -> None:
        self._set_type_status("workflow", p, "REGISTERED", "TypeAlreadyExistsFault")

    def _delete(self, kind: str, p: dict[str, Any]) -> None:
        key = "activityType" if kind == "activity" else "workflowType"
        with self.engine.operation():
            self.engine.domain(p["domain"])
            info = self.engine.type_info(kind, p["domain"], p[key]["name"], p[key]["version"])
            if info.status != "DEPRECATED":
                raise Fault("TypeNotDeprecatedFault", _label(kind, info.name, info.version))
            del self.engine.types[(kind, info.domain, info.name, info.version)]
            self.engine.store.delete_type(info)

    def DeleteActivityType(self, p: dict[str, Any]) -> None:
        self._delete("activity", p)

    def DeleteWorkflowType(self, p: dict[str, Any]) -> None:
        self._delete("workflow", p)
