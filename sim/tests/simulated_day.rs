//! Whole days of a small population through the simulation, on fixed seeds: what the policy
//! and the host around it must guarantee, and what the settings must change.

use peershare_fleet_sim::call_mix::SizeBucket;
use peershare_fleet_sim::diurnal::DiurnalCurve;
use peershare_fleet_sim::{Model, Population, PopulationConfig, RowReport, Setting, SimConfig, simulate};

const SEED: u64 = 11;

/// A day at 1,500 participants at the peak, after two hours of warm-up.
fn small_day() -> PopulationConfig {
    Model { peak_participants: 1_500, warm_up_hours: 2, ..Model::default() }.population_config()
}

/// A day of `setting`, whose books must balance: every release matched a reservation, and at
/// the end every node's reservations are the participants of the calls on it (in a debug build
/// this is also checked every simulated hour).
fn run(population: &PopulationConfig, config: &SimConfig, setting: &Setting) -> RowReport {
    let population = Population::generate(population, SEED).expect("valid population");
    let day = simulate(&population, config, setting, SEED, &mut |_| {}).expect("valid setting");
    assert_eq!((day.unmatched_releases, day.unbalanced_nodes_at_end), (0, 0), "the books: {day:?}");
    assert_eq!((day.placements_over_capacity, day.placements_on_draining_nodes), (0, 0), "{day:?}");
    day
}

fn no_failures() -> SimConfig {
    SimConfig { mtbf_hours: None, ..Model::default().sim_config() }
}

#[test]
fn without_headroom_calls_wait_for_nodes_to_boot_and_headroom_spares_them_that() {
    // A full target and a slow boot: a call that finds no room waits for a node to boot.
    let slow = SimConfig { boot_delay_s: 300, ..no_failures() };
    let full = run(&small_day(), &slow, &Setting::new(1.0, 0, 300));
    assert!(full.calls_that_waited_for_capacity > 0, "the waiting path was not exercised: {full:?}");
    // The scaler is asked at once when a call finds no room: a wait lasts about one boot.
    assert!((300.0..=315.0).contains(&full.wait_max_s), "a wait for capacity lasts a boot: {full:?}");
    let headroom = run(&small_day(), &slow, &Setting::new(0.8, 0, 300));
    assert!(
        headroom.calls_that_waited_for_capacity * 10 < full.calls_that_waited_for_capacity,
        "{} vs {} without headroom",
        headroom.calls_that_waited_for_capacity,
        full.calls_that_waited_for_capacity
    );
    assert_eq!(headroom.calls_waiting_at_end, 0);
    assert!(headroom.peak_nodes >= 2, "{headroom:?}");
}

#[test]
fn drained_nodes_take_no_call_and_cut_none_off() {
    let day = run(&small_day(), &no_failures(), &Setting::new(0.8, 0, 300));
    assert!(day.drained_nodes > 0, "the fleet never scaled in: {day:?}");
    assert_eq!(day.placements_on_draining_nodes, 0);
    assert_eq!(day.calls_disrupted_by_drains, 0);
}

#[test]
fn failures_cut_calls_off_and_every_cut_call_is_placed_again_after_waiting() {
    let fragile = SimConfig { mtbf_hours: Some(3.0), ..Model::default().sim_config() };
    let day = run(&small_day(), &fragile, &Setting::new(0.8, 0, 300));
    assert!(day.node_failures > 0 && day.calls_disrupted_by_failures > 0, "{day:?}");
    assert_eq!(
        day.calls_disrupted_by_failures + day.calls_disrupted_by_drains,
        day.calls_replaced + day.cut_off_calls_waiting_at_end,
        "{day:?}"
    );
    assert!(day.calls_replaced > 0);
    // A dead node is dropped after two missed heartbeats: its calls waited at least one interval.
    assert!(day.wait_max_s >= f64::from(fragile.heartbeat_interval_s), "{day:?}");
    let sturdy = run(&small_day(), &no_failures(), &Setting::new(0.8, 0, 300));
    assert_eq!((sturdy.node_failures, sturdy.calls_disrupted_by_failures), (0, 0));
}

#[test]
fn a_warm_minimum_keeps_a_node_in_every_region_through_the_night() {
    // Nobody calls at night: without a warm minimum, regions empty (one whose nodes carry
    // other regions' calls may not).
    let quiet_nights = PopulationConfig { curve: DiurnalCurve { night_floor: 0.0 }, ..small_day() };
    let cold = run(&quiet_nights, &no_failures(), &Setting::new(0.8, 0, 300));
    assert!(cold.fewest_nodes_by_region.values().filter(|n| **n == 0).count() >= 2, "{cold:?}");
    let warm = run(&quiet_nights, &no_failures(), &Setting::new(0.8, 1, 300));
    assert!(warm.fewest_nodes_by_region.values().all(|n| *n >= 1), "{warm:?}");
    assert!(warm.node_hours > cold.node_hours);
}

#[test]
fn a_higher_target_utilisation_pays_for_fewer_node_hours_on_the_same_calls() {
    let loose = run(&small_day(), &no_failures(), &Setting::new(0.6, 0, 300));
    let tight = run(&small_day(), &no_failures(), &Setting::new(0.9, 0, 300));
    assert_eq!(loose.participant_minutes, tight.participant_minutes, "the same calls");
    assert!(tight.node_hours < loose.node_hours, "{} vs {}", tight.node_hours, loose.node_hours);
    assert!(tight.mean_utilisation > loose.mean_utilisation);
    assert!(tight.cost_per_participant_minute_usd < loose.cost_per_participant_minute_usd);
}

#[test]
fn participants_in_calls_average_what_littles_law_predicts_and_two_person_calls_need_no_node() {
    let population = small_day();
    let day = run(&population, &no_failures(), &Setting::new(0.8, 0, 300));
    // Mean participants in calls = peak participants × (mean of the day's curve ÷ its peak).
    let curve = population.curve;
    let global = |minute: u32| -> f64 {
        let t = f64::from(minute) * 60.0;
        population.regions.iter().map(|r| r.weight * curve.relative_rate(t, r.peak_hour_utc)).sum()
    };
    let mean_curve = (0..1440).map(global).sum::<f64>() / 1440.0;
    let expected =
        f64::from(population.peak_participants) * mean_curve / curve.global_peak(&population.regions);
    let measured = day.participant_minutes / 1440.0;
    assert!((measured / expected - 1.0).abs() < 0.1, "mean {measured:.0} vs {expected:.0} expected");
    let peak = f64::from(day.peak_concurrent_participants) / f64::from(population.peak_participants);
    assert!((0.9..1.4).contains(&peak), "peak {}", day.peak_concurrent_participants);
    assert!(day.participant_minutes > day.participant_minutes_on_nodes);

    let mut pairs_only = small_day();
    pairs_only.mix.sizes = vec![SizeBucket { min: 2, max: 2, share: 1.0 }];
    let pairs = run(&pairs_only, &no_failures(), &Setting::new(0.8, 0, 300));
    assert!(pairs.calls > 0 && pairs.node_calls == 0);
    assert_eq!((pairs.peak_nodes, pairs.node_hours, pairs.participant_minutes_on_nodes), (0, 0.0, 0.0));
}

#[test]
fn the_same_seed_simulates_the_same_day() {
    let config = SimConfig { mtbf_hours: Some(10.0), ..Model::default().sim_config() };
    let setting = Setting::new(0.8, 1, 600);
    assert_eq!(run(&small_day(), &config, &setting), run(&small_day(), &config, &setting));
}
