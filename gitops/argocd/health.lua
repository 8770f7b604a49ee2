-- Argo CD health check for ververica.platform/VvpDeployment (Lua 5.1).
-- Install: resource.customizations.health.ververica.platform_VvpDeployment in argocd-cm.
-- The same rules as gitops/flux/health-check-exprs.yaml and the library's
-- gitOpsHealth(); the first that holds decides:
-- 1. no status, or no Healthy condition yet: Progressing;
-- 2. status.observedGeneration behind (or absent) metadata.generation: Progressing;
-- 3. the job FAILED, or a condition that needs action (a reason below on an
--    unhealthy condition, DeletionBlocked True): Degraded;
-- 4. an Autopilot scaling run holds the projection back: Progressing;
-- 5. no actual state yet, or the actual state differs from the desired one: Progressing;
-- 6. SUSPENDED or CANCELLED reached as desired: Suspended;
-- 7. otherwise (RUNNING as desired, or a job that FINISHED): Healthy.
-- Every field is read defensively: any of them may be absent.
local hs = {}

local NEEDS_ACTION = {
  AppManagerRecordNotFound = true,
  DBRecordMissing = true,
  ResourceDeleted = true,
  DeploymentNotOwned = true,
  AppManagerCreateFailed = true,
  SavepointBlocked = true,
  RestartBlocked = true,
  SyncDisabled = true,
  ProjectionFailed = true,
  ApiKeySecretUnavailable = true,
  ApiKeyRejected = true,
}

local function table_or_nil(value)
  if type(value) == "table" then
    return value
  end
  return nil
end

local function text(value)
  if type(value) == "string" and value ~= "" then
    return value
  end
  return nil
end

local function number_or_nil(value)
  if type(value) == "number" then
    return value
  end
  return nil
end

-- "Type: Reason: message", leaving out what the condition lacks.
local function describe(c)
  local out = text(c.type) or ""
  if text(c.reason) ~= nil then
    out = out .. ": " .. c.reason
  end
  if text(c.message) ~= nil then
    out = out .. ": " .. c.message
  end
  return out
end

local function unhealthy(c)
  return c.status ~= "True"
end

local metadata = table_or_nil(obj.metadata) or {}
local status = table_or_nil(obj.status)
-- The sub-conditions first: Healthy only propagates their reasons, except a
-- token problem, which is Healthy's own.
local conditions = {}
local healthy_conditions = {}
if status ~= nil and type(status.conditions) == "table" then
  for _, c in ipairs(status.conditions) do
    if type(c) == "table" then
      if c.type == "Healthy" then
        table.insert(healthy_conditions, c)
      else
        table.insert(conditions, c)
      end
    end
  end
end
local has_healthy = #healthy_conditions > 0
for _, c in ipairs(healthy_conditions) do
  table.insert(conditions, c)
end

if status == nil or not has_healthy then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = number_or_nil(metadata.generation)
if generation ~= nil and number_or_nil(status.observedGeneration) ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local actual = text(status.actualState)
if actual == "FAILED" then
  hs.status = "Degraded"
  hs.message = "The Flink job FAILED in Ververica Platform"
  return hs
end

for _, c in ipairs(conditions) do
  local needs_action
  if c.type == "DeletionBlocked" then
    needs_action = c.status == "True"
  else
    needs_action = unhealthy(c) and text(c.reason) ~= nil and NEEDS_ACTION[c.reason] == true
  end
  if needs_action then
    hs.status = "Degraded"
    hs.message = describe(c)
    return hs
  end
end

for _, c in ipairs(conditions) do
  if unhealthy(c) and c.reason == "StateProjectionSuppressedAutopilot" then
    hs.status = "Progressing"
    hs.message = describe(c)
    return hs
  end
end

local desired = nil
local spec = table_or_nil(obj.spec)
local deployment = spec and table_or_nil(spec.deployment)
local deployment_spec = deployment and table_or_nil(deployment.spec)
if deployment_spec ~= nil then
  desired = text(deployment_spec.state)
end
if desired == nil then
  desired = text(status.observedSpecState)
end

if actual == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Ververica Platform to report the actual state"
  if desired ~= nil then
    hs.message = hs.message .. "; desired " .. desired
  end
  return hs
end

if actual == "FINISHED" then
  hs.status = "Healthy"
  hs.message = "The Flink job FINISHED"
  return hs
end

if desired ~= nil and actual ~= desired then
  hs.status = "Progressing"
  hs.message = "Actual state " .. actual .. ", desired " .. desired
  return hs
end

if actual == "SUSPENDED" or actual == "CANCELLED" then
  hs.status = "Suspended"
  hs.message = "The deployment is " .. actual .. ", as desired"
  return hs
end

hs.status = "Healthy"
hs.message = "The deployment is " .. actual
if desired ~= nil then
  hs.message = hs.message .. ", as desired"
end
return hs
