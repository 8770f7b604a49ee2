-- Argo CD health check for ververica.platform/VvpDeployment (Lua 5.1).
-- Install: resource.customizations.health.ververica.platform_VvpDeployment in argocd-cm.
-- Ours: Degraded for the reasons that need a person, Progressing while the
-- operator has not caught up (generation, TRANSITIONING, pending nonce,
-- Unknown), Suspended for a SUSPENDED or CANCELLED deployment that is so by
-- desire, Healthy for Healthy=True at the current generation.
local hs = {}

local DEGRADED_REASONS = {
  AppManagerCreateFailed = true,
  AppManagerRecordNotFound = true,
  DBRecordMissing = true,
  ResourceDeleted = true,
  ProjectionFailed = true,
  SyncDisabled = true,
  SavepointBlocked = true,
  RestartBlocked = true,
  DeploymentStillActive = true,
}

local TRANSIENT_REASONS = {
  Creating = true,
  StateProjectionSuppressedAutopilot = true,
}

local function condition(status, wanted)
  if status == nil or type(status.conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if type(c) == "table" and c.type == wanted then
      return c
    end
  end
  return nil
end

local function text(value)
  if value == nil then
    return ""
  end
  return tostring(value)
end

local function reasonMessage(c)
  if c.message ~= nil and c.message ~= "" then
    return c.reason .. ": " .. c.message
  end
  return text(c.reason)
end

local function pendingNonce(spec, status)
  if spec == nil then
    return nil
  end
  local s = status or {}
  if spec.savepointNonce ~= nil and spec.savepointNonce ~= s.lastConsumedSavepointNonce then
    return "savepointNonce " .. text(spec.savepointNonce) .. " is pending"
  end
  if spec.restartNonce ~= nil and spec.restartNonce ~= s.lastConsumedTriggerNonce then
    return "restartNonce " .. text(spec.restartNonce) .. " is pending"
  end
  return nil
end

local function desiredState(o)
  if o.spec ~= nil and o.spec.deployment ~= nil and o.spec.deployment.spec ~= nil then
    return o.spec.deployment.spec.state
  end
  return nil
end

local status = obj.status
local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local healthy = condition(status, "Healthy")

if status == nil or healthy == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

if generation ~= nil and healthy.observedGeneration ~= nil and healthy.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. text(generation)
  return hs
end

if status.actualState == "FAILED" then
  hs.status = "Degraded"
  hs.message = "The Flink job FAILED in Ververica Platform"
  return hs
end

for _, t in ipairs({ "Consistent", "SpecAligned", "NonceAligned", "DeletionBlocked" }) do
  local c = condition(status, t)
  if c ~= nil and c.status ~= "Unknown" and DEGRADED_REASONS[c.reason] then
    local failing = (t == "DeletionBlocked" and c.status == "True") or (t ~= "DeletionBlocked" and c.status == "False")
    if failing then
      hs.status = "Degraded"
      hs.message = t .. ": " .. reasonMessage(c)
      return hs
    end
  end
end

if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Generation " .. text(generation) .. " is not projected to Ververica Platform yet"
  return hs
end

if status.actualState == "TRANSITIONING" then
  hs.status = "Progressing"
  hs.message = "The deployment is TRANSITIONING"
  return hs
end

local nonce = pendingNonce(obj.spec, status)
if nonce ~= nil then
  hs.status = "Progressing"
  hs.message = nonce
  return hs
end

if healthy.status ~= "True" then
  -- Autopilot scaling away from the CR's parallelism is expected (the seed), not a fault.
  local parallelism = condition(status, "ParallelismAligned")
  local onlyAutopilot = healthy.reason == "AutopilotManaged" and parallelism ~= nil and parallelism.reason == "AutopilotManaged"
  if not onlyAutopilot then
    hs.status = "Progressing"
    if TRANSIENT_REASONS[healthy.reason] or healthy.status == "Unknown" then
      hs.message = reasonMessage(healthy)
    else
      hs.message = "Waiting: " .. reasonMessage(healthy)
    end
    return hs
  end
end

local desired = desiredState(obj) or status.observedSpecState
if (desired == "SUSPENDED" or desired == "CANCELLED") and status.actualState == desired then
  hs.status = "Suspended"
  hs.message = "The deployment is " .. desired .. ", as desired"
  return hs
end

hs.status = "Healthy"
if healthy.status == "True" then
  hs.message = "All conditions met"
else
  hs.message = "Autopilot manages the parallelism: " .. text(healthy.message)
end
if status.actualState ~= nil then
  hs.message = hs.message .. "; the deployment is " .. status.actualState
end
return hs
