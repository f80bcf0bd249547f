/// Controller owns regcred's long-running reconciliation: the keyed work queue, the
/// reconcilers that execute PullSecretPlanner's decisions, the refresh scheduler, leader
/// election, events, metrics and health. Decisions stay in RegcredCore; this module feeds them
/// observations from informer caches and carries out their actions.
public enum ControllerModule {}
