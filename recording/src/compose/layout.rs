//! Who is on screen when, and where: the composed picture follows the call. The recording is
//! cut into spans at every moment a video track starts or ends; in each span the cameras on
//! screen share a grid (or, while someone shares a screen, the screen takes three quarters of
//! the picture and the cameras a column beside it). This is pure: tracks in, an ffmpeg filter
//! graph out.

use crate::layout::TrackSource;

/// Spans shorter than this (two tracks starting a few frames apart) are merged away.
const MIN_SPAN: f64 = 0.05;

/// Frame rate of the composed video.
pub const FPS: u32 = 30;

/// One input track on the recording's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedTrack {
    /// Its input index in the ffmpeg command.
    pub input: usize,
    /// Whose.
    pub participant: u32,
    /// Microphone, camera or screen.
    pub source: TrackSource,
    /// When its first frame plays, in seconds from the recording's start.
    pub start: f64,
    /// When it ends.
    pub end: f64,
}

/// A rectangle of the output picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (even).
    pub w: u32,
    /// Height (even).
    pub h: u32,
}

fn even(v: u32) -> u32 {
    v & !1
}

/// Where `cameras` camera tiles and, when `screen`, a screen go in a `width` × `height` picture:
/// the screen first.
pub fn tiles(cameras: usize, screen: bool, width: u32, height: u32) -> Vec<Tile> {
    let mut out = Vec::new();
    let (mut area_x, mut area_w) = (0, width);
    if screen {
        let screen_w = if cameras == 0 { width } else { even(width * 3 / 4) };
        out.push(Tile { x: 0, y: 0, w: screen_w, h: height });
        if cameras == 0 {
            return out;
        }
        area_x = screen_w;
        area_w = width - screen_w;
        let h = even(height / cameras as u32);
        for i in 0..cameras as u32 {
            out.push(Tile { x: area_x, y: i * h, w: even(area_w), h });
        }
        return out;
    }
    if cameras == 0 {
        return out;
    }
    let cols = (cameras as f64).sqrt().ceil() as u32;
    let rows = (cameras as u32).div_ceil(cols);
    let (w, h) = (even(area_w / cols), even(height / rows));
    for i in 0..cameras as u32 {
        out.push(Tile { x: area_x + (i % cols) * w, y: (i / cols) * h, w, h });
    }
    out
}

/// The filter graph composing `tracks` over `duration` seconds into a `width` × `height`
/// picture labelled `[v]` and one mixed audio labelled `[a]`.
pub fn filter_graph(tracks: &[TimedTrack], duration: f64, width: u32, height: u32) -> String {
    let videos: Vec<&TimedTrack> = tracks.iter().filter(|t| t.source != TrackSource::Audio).collect();
    let audios: Vec<&TimedTrack> = tracks.iter().filter(|t| t.source == TrackSource::Audio).collect();
    let mut cuts: Vec<f64> = vec![0.0, duration];
    for t in &videos {
        cuts.extend([t.start.clamp(0.0, duration), t.end.clamp(0.0, duration)]);
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup_by(|b, a| (*b - *a).abs() < MIN_SPAN);
    if let Some(last) = cuts.last_mut() {
        *last = duration;
    }
    let spans: Vec<(f64, f64)> =
        cuts.windows(2).map(|w| (w[0], w[1])).filter(|(a, b)| b - a >= MIN_SPAN).collect();

    // Who is on screen in each span: cameras in participant order, screens first.
    let on_screen: Vec<Vec<&TimedTrack>> = spans
        .iter()
        .map(|&(a, b)| {
            let mut visible: Vec<&TimedTrack> = videos
                .iter()
                .copied()
                .filter(|t| t.start < b - MIN_SPAN / 2.0 && t.end > a + MIN_SPAN / 2.0)
                .collect();
            visible.sort_by_key(|t| (t.source != TrackSource::Screen, t.participant, t.input));
            visible
        })
        .collect();

    let mut graph = Vec::new();
    // Each video input is split into one copy per span that shows it.
    for t in &videos {
        let uses = on_screen.iter().filter(|v| v.iter().any(|x| x.input == t.input)).count();
        if uses > 0 {
            let outs: String = (0..uses).map(|k| format!("[in{}_{k}]", t.input)).collect();
            graph.push(format!("[{}:v]split={uses}{outs}", t.input));
        }
    }
    let mut used = std::collections::HashMap::<usize, usize>::new();
    let mut segments = String::new();
    for (k, (&(a, b), visible)) in spans.iter().zip(&on_screen).enumerate() {
        let d = b - a;
        let screens = visible.iter().filter(|t| t.source == TrackSource::Screen).count();
        let screen = screens > 0;
        // One screen at a time is shown large; further screens become tiles.
        let layout = tiles(visible.len() - usize::from(screen), screen, width, height);
        let mut labels = Vec::new();
        for (t, tile) in visible.iter().zip(&layout) {
            let n = used.entry(t.input).or_insert(0);
            let label = format!("[t{k}_{}]", t.input);
            graph.push(format!(
                "[in{input}_{n}]trim=start={s:.3}:end={e:.3},setpts=PTS-STARTPTS,fps={FPS},\
                 scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,\
                 tpad=stop_mode=clone:stop_duration={d:.3},trim=duration={d:.3}{label}",
                input = t.input,
                s = (a - t.start).max(0.0),
                e = (b - t.start).max(0.0),
                w = tile.w,
                h = tile.h,
            ));
            *n += 1;
            labels.push((label, *tile));
        }
        let segment = format!("[seg{k}]");
        match labels.as_slice() {
            [] => graph.push(format!("color=black:s={width}x{height}:r={FPS}:d={d:.3},setsar=1{segment}")),
            [(label, tile)] if tile.w == width && tile.h == height => {
                graph.push(format!("{label}null{segment}"));
            }
            _ => {
                let inputs: String = labels.iter().map(|(l, _)| l.as_str()).collect();
                let positions: Vec<String> = labels.iter().map(|(_, t)| format!("{}_{}", t.x, t.y)).collect();
                graph.push(format!(
                    "{inputs}xstack=inputs={n}:layout={layout}:fill=black,scale={width}:{height},setsar=1{segment}",
                    n = labels.len(),
                    layout = positions.join("|"),
                ));
            }
        }
        segments.push_str(&segment);
    }
    graph.push(format!("{segments}concat=n={}:v=1:a=0,format=yuv420p[v]", spans.len()));

    // Audio: every microphone at its place on the clock, gaps filled with silence, mixed.
    let mut mix = String::new();
    for t in &audios {
        let delay = (t.start.max(0.0) * 1000.0).round() as u64;
        graph.push(format!(
            "[{input}:a]aresample=48000:async=1000:min_hard_comp=0.1:first_pts=0,aformat=channel_layouts=stereo,adelay={delay}:all=1[a{input}]",
            input = t.input
        ));
        mix.push_str(&format!("[a{}]", t.input));
    }
    if audios.is_empty() {
        graph.push(format!("anullsrc=r=48000:cl=stereo,atrim=duration={duration:.3}[a]"));
    } else {
        graph.push(format!(
            "{mix}amix=inputs={}:normalize=0:duration=longest,apad,atrim=duration={duration:.3}[a]",
            audios.len()
        ));
    }
    graph.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cam(input: usize, participant: u32, start: f64, end: f64) -> TimedTrack {
        TimedTrack { input, participant, source: TrackSource::Camera, start, end }
    }

    #[test]
    fn grids_fill_the_picture_and_a_screen_takes_three_quarters() {
        assert_eq!(tiles(1, false, 1280, 720), [Tile { x: 0, y: 0, w: 1280, h: 720 }]);
        assert_eq!(
            tiles(2, false, 1280, 720).iter().map(|t| (t.x, t.y)).collect::<Vec<_>>(),
            [(0, 0), (640, 0)]
        );
        let three = tiles(3, false, 1280, 720);
        assert_eq!(
            three.iter().map(|t| (t.x, t.y, t.w, t.h)).collect::<Vec<_>>(),
            [(0, 0, 640, 360), (640, 0, 640, 360), (0, 360, 640, 360)]
        );
        let presenting = tiles(2, true, 1280, 720);
        assert_eq!(presenting[0], Tile { x: 0, y: 0, w: 960, h: 720 });
        assert_eq!((presenting[1].x, presenting[1].w, presenting[2].y), (960, 320, 360));
        assert!(tiles(0, false, 1280, 720).is_empty());
        for t in tiles(7, false, 1280, 720) {
            assert!(t.w % 2 == 0 && t.h % 2 == 0 && t.x + t.w <= 1280 && t.y + t.h <= 720);
        }
    }

    #[test]
    fn the_grid_follows_who_was_there_when() {
        // Ada all along, Bob from 10 s to 20 s, recording 30 s: three spans, 1, 2 and 1 tiles.
        let tracks = [cam(0, 1, 0.0, 30.0), cam(1, 2, 10.0, 20.0)];
        let graph = filter_graph(&tracks, 30.0, 1280, 720);
        assert!(graph.contains("concat=n=3:v=1:a=0"), "{graph}");
        assert!(graph.contains("[0:v]split=3"), "Ada is in three spans: {graph}");
        assert!(graph.contains("[1:v]split=1"), "Bob in one: {graph}");
        assert!(graph.contains("xstack=inputs=2"), "two tiles while both are there: {graph}");
        assert!(graph.contains("trim=start=10.000:end=20.000"), "Ada's middle span: {graph}");
        assert!(graph.contains("trim=start=0.000:end=10.000"), "Bob's span from his own start: {graph}");
        assert!(graph.contains("anullsrc"), "silence when no microphone was recorded");
    }

    #[test]
    fn nobody_on_camera_is_black_and_microphones_are_mixed_at_their_offsets() {
        let tracks = [
            TimedTrack { input: 0, participant: 1, source: TrackSource::Audio, start: 0.0, end: 20.0 },
            TimedTrack { input: 1, participant: 2, source: TrackSource::Audio, start: 2.5, end: 20.0 },
        ];
        let graph = filter_graph(&tracks, 20.0, 640, 360);
        assert!(graph.contains("color=black:s=640x360"), "{graph}");
        assert!(graph.contains("adelay=2500:all=1"), "{graph}");
        assert!(graph.contains("amix=inputs=2"), "{graph}");
        assert!(graph.contains("atrim=duration=20.000[a]"), "{graph}");
    }

    #[test]
    fn tracks_starting_moments_apart_do_not_make_slivers() {
        let tracks = [cam(0, 1, 0.0, 10.0), cam(1, 2, 0.02, 10.0)];
        let graph = filter_graph(&tracks, 10.0, 1280, 720);
        assert!(graph.contains("concat=n=1:"), "{graph}");
    }
}
