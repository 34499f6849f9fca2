#!/bin/sh
# One-shot: registers the namespace the worker uses (when missing) and declares this package's
# custom search attributes on it, so that bring-ups can be listed and filtered by flow name,
# region and status. Safe to run again: an attribute that exists with the same type is kept.
#
# Runs in temporalio/admin-tools (docker-compose.yml service temporal-setup-namespace) or
# anywhere the `temporal` CLI is on PATH:
#   TEMPORAL_ADDRESS=localhost:7233 TEMPORAL_NAMESPACE=default \
#   SEARCH_ATTRIBUTES="MediaConnectFlowName=Keyword MediaConnectFlowStatus=Keyword MediaConnectRegion=Keyword MediaConnectFlowArn=Keyword" \
#   sh deploy/temporal/setup-namespace.sh
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS to the Temporal frontend, host:port}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${NAMESPACE_RETENTION:=72h}"
: "${SEARCH_ATTRIBUTES:?set SEARCH_ATTRIBUTES to space-separated Name=Type pairs}"
export TEMPORAL_ADDRESS

echo "Waiting for Temporal at ${TEMPORAL_ADDRESS}..."
attempt=0
until temporal operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 60 ] || { echo "Temporal at ${TEMPORAL_ADDRESS} did not become healthy in 120 s" >&2; exit 1; }
  sleep 2
done

if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "Namespace ${TEMPORAL_NAMESPACE} exists"
else
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$NAMESPACE_RETENTION"
fi

# A new namespace reaches every service's cache only after a few seconds.
attempt=0
until temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 60 ] || { echo "Namespace ${TEMPORAL_NAMESPACE} did not become usable in 60 s" >&2; exit 1; }
  sleep 1
done

set --
for declaration in $SEARCH_ATTRIBUTES; do
  set -- "$@" --name "${declaration%%=*}" --type "${declaration#*=}"
done
temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" "$@"
echo "Search attributes on ${TEMPORAL_NAMESPACE}: ${SEARCH_ATTRIBUTES}"
