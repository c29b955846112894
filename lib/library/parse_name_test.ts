import { assert, assertEquals, assertNotEquals, assertThrows } from "../../tests/assert.ts";
import {
  foldTitle,
  type MovieResolution,
  type MovieSource,
  type ParsedMovie,
  parseMoviePath,
  parseSubtitleName,
} from "./parse_name.ts";

type Expect = Partial<ParsedMovie>;

/** Fails unless the parsed `relPath` has every field of `expected`. */
function check(relPath: string, expected: Expect): ParsedMovie {
  const got = parseMoviePath(relPath);
  const picked = Object.fromEntries(
    Object.keys(expected).map((k) => [k, got[k as keyof ParsedMovie]]),
  );
  assertEquals(picked, expected, JSON.stringify(relPath));
  return got;
}

/** Scene and P2P names (many from @ctrl/video-filename-parser's own tests): title, year, resolution, source. */
const RELEASES: [string, string, number | null, MovieResolution | null, MovieSource | null][] = [
  ["The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv", "The Matrix", 1999, "1080p", "bluray"],
  [
    "Whats.Eating.Gilbert.Grape.1993.720p.BluRay.x264-SiNNERS.mkv",
    "Whats Eating Gilbert Grape",
    1993,
    "720p",
    "bluray",
  ],
  ["Timecop.1994.PROPER.1080p.BluRay.x264-Japhson.mkv", "Timecop", 1994, "1080p", "bluray"],
  [
    "This.is.40.2012.PROPER.UNRATED.720p.BluRay.x264-Felony.mkv",
    "This is 40",
    2012,
    "720p",
    "bluray",
  ],
  [
    "Spider-Man Far from Home.2019.1080p.HDRip.X264.AC3-EVO.mkv",
    "Spider-Man Far from Home",
    2019,
    "1080p",
    "web-dl",
  ],
  [
    "The.Man.from.U.N.C.L.E.2015.1080p.BluRay.x264-SPARKS.mkv",
    "The Man from U.N.C.L.E.",
    2015,
    "1080p",
    "bluray",
  ],
  ["1941.1979.EXTENDED.720p.BluRay.X264-AMIABLE.mkv", "1941", 1979, "720p", "bluray"],
  [
    "MY MOVIE (2016) [R][Action, Horror][720p.WEB-DL.AVC.8Bit.6ch.AC3].mkv",
    "MY MOVIE",
    2016,
    "720p",
    "web-dl",
  ],
  ["R.I.P.D.2013.720p.BluRay.x264-SPARKS.mkv", "R.I.P.D.", 2013, "720p", "bluray"],
  ["V.H.S.2.2013.LIMITED.720p.BluRay.x264-GECKOS.mkv", "V.H.S. 2", 2013, "720p", "bluray"],
  ["We Are the Best!.2013.720p.H264.mkv", "We Are the Best!", 2013, "720p", null],
  [
    "(500).Days.Of.Summer.(2009).DTS.1080p.BluRay.x264.NLsubs.mkv",
    "(500) Days Of Summer",
    2009,
    "1080p",
    "bluray",
  ],
  [
    "To.Live.and.Die.in.L.A.1985.1080p.BluRay.mkv",
    "To Live and Die in L.A.",
    1985,
    "1080p",
    "bluray",
  ],
  ["A.I.Artificial.Intelligence.(2001).mkv", "A.I. Artificial Intelligence", 2001, null, null],
  ["A.Movie.Name.(1998).mkv", "A Movie Name", 1998, null, null],
  ["www.Torrenting.com - Revenge.2008.720p.X264-DIMENSION.mkv", "Revenge", 2008, "720p", null],
  ["Resident.Evil.The.Final.Chapter.2016.mkv", "Resident Evil The Final Chapter", 2016, null, null],
  ["Scary.Movie.2000.FRENCH..BluRay.-AiRLiNE.mkv", "Scary Movie", 2000, null, "bluray"],
  ["My Movie 1999 German Bluray.mkv", "My Movie", 1999, null, "bluray"],
  [
    "Leaving Jeruselem by Railway (1897) [DVD].mp4",
    "Leaving Jeruselem by Railway",
    1897,
    null,
    "dvd",
  ],
  ["Climax.2018.1080p.AMZN.WEB-DL.DD5.1.H.264-NTG.mkv", "Climax", 2018, "1080p", "web-dl"],
  [
    "Movie.Title.Imax.2018.1080p.AMZN.WEB-DL.DD5.1.H.264-NTG.mkv",
    "Movie Title",
    2018,
    "1080p",
    "web-dl",
  ],
  ["Blade Runner 2049 2017.mkv", "Blade Runner 2049", 2017, null, null],
  [
    "Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-TERMiNAL.mkv",
    "Blade Runner 2049",
    2017,
    "2160p",
    "bluray",
  ],
  [
    "Scarface.Anniversary.Edition.1983.INTERNAL.DVDRip.XviD-VoMiT.avi",
    "Scarface",
    1983,
    null,
    "dvd",
  ],
  [
    "Ouija.Origin.of.Evil.2016.MULTi.TRUEFRENCH.1080p.BluRay.x264-MELBA.mkv",
    "Ouija Origin of Evil",
    2016,
    "1080p",
    "bluray",
  ],
  ["Appaloosa.1080p.Bluray.x264-1920.mkv", "Appaloosa", null, "1080p", "bluray"],
  ["Inglorious.Basterds.CAM.XviD-CAMELOT.avi", "Inglorious Basterds", null, null, "cam"],
  ["Inglourious.Basterds.SCR.XViD-xSCR.avi", "Inglourious Basterds", null, null, "screener"],
  ["No.Country.for.Old.Men.DVDRip.XviD-DiAMOND.avi", "No Country for Old Men", null, null, "dvd"],
  ["The.Fighter.DVDR-MPTDVD.mkv", "The Fighter", null, null, "dvd"],
  [
    "Scarface.The.Uncut.Version.1983.DVDRip.Divx.AC3.iNTERNAL-FFM.avi",
    "Scarface",
    1983,
    null,
    "dvd",
  ],
  ["Casino.10TH.ANNiVERSARY.1995.iNTERNAL.DVDRiP.XViD-KiSS.avi", "Casino", 1995, null, "dvd"],
  [
    "Get.Him.To.The.Greek.UNRATED.FRENCH.720p.BluRay.x264-NERDHD.mkv",
    "Get Him To The Greek",
    null,
    "720p",
    "bluray",
  ],
  [
    "The.Outsiders.DC.German.1983.AC3.BDRip.XviD.INTERNAL-ARC.avi",
    "The Outsiders",
    1983,
    null,
    "bluray",
  ],
  [
    "Oceans.Thirteen.2007.iNTERNAL.720p.BluRay.x264-MHQ.mkv",
    "Oceans Thirteen",
    2007,
    "720p",
    "bluray",
  ],
  ["Rocketman 2019 2160p UHD BluRay x265-TERMiNAL.mkv", "Rocketman", 2019, "2160p", "bluray"],
  [
    "Alita Battle Angel 2019 2160p WEB-DL DD+5 1 HEVC-DEFLATE.mkv",
    "Alita Battle Angel",
    2019,
    "2160p",
    "web-dl",
  ],
  ["Alita: Battle Angel 2019 BRRip AC3 x264-CMRG.mkv", "Alita Battle Angel", 2019, null, "bluray"],
  [
    "The Hateful Eight 2015 DVDScr XVID AC3 HQ Hive-CM8.avi",
    "The Hateful Eight",
    2015,
    null,
    "screener",
  ],
  ["Tracers 2015 PPV XVID AC3 HQ Hive-CM8.avi", "Tracers", 2015, null, "ppv"],
  [
    "X-Men Origins Wolverine 2009 WORKPRINT XviD-NoGRP.avi",
    "X-Men Origins Wolverine",
    2009,
    null,
    "workprint",
  ],
  ["Half Baked 1998 720p HDDVD XVID-AC3-PULSAR.avi", "Half Baked", 1998, "720p", "bluray"],
  [
    "The Interview 2014 1080p WEB-DL x264 AAC MerryXmas.mkv",
    "The Interview",
    2014,
    "1080p",
    "web-dl",
  ],
  [
    "John Wick Chapter 2 2017 720p WEB-DL X264 AC3-EVO.mkv",
    "John Wick Chapter 2",
    2017,
    "720p",
    "web-dl",
  ],
  ["Michael 1996 1080p AMZN WEBCap DD+5.1 x264-LEGi0N.mkv", "Michael", 1996, "1080p", "webrip"],
  ["Suicide Squad 2016 CAM UnKnOwN.avi", "Suicide Squad", 2016, null, "cam"],
  [
    "Parasite.2019.MULTi.VFI.WEBrip.2160p.HDR.x265.True.HD-Tokuchi.mkv",
    "Parasite",
    2019,
    "2160p",
    "webrip",
  ],
  [
    "How You Look At Me 2019 720p AMZN WEBRip AAC2 0 X 264-EVO.mkv",
    "How You Look At Me",
    2019,
    "720p",
    "webrip",
  ],
  ["Heat.1995.REMASTERED.2160p.UHD.BluRay.mkv", "Heat", 1995, "2160p", "bluray"],
  [
    "Aliens.1986.Special.Edition.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-FGT.mkv",
    "Aliens",
    1986,
    "1080p",
    "remux",
  ],
  [
    "Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX.mkv",
    "Dune Part Two",
    2024,
    "2160p",
    "web-dl",
  ],
  [
    "Oppenheimer.2023.IMAX.2160p.UHD.BluRay.REMUX.HDR.HEVC.DTS-HD.MA.5.1-FGT.mkv",
    "Oppenheimer",
    2023,
    "2160p",
    "remux",
  ],
  ["Inception.2010.720p.BRRip.x264.AAC-ETRG.mp4", "Inception", 2010, "720p", "bluray"],
  [
    "Gladiator.2000.EXTENDED.REMASTERED.1080p.BluRay.x264-SPRiNTER.mkv",
    "Gladiator",
    2000,
    "1080p",
    "bluray",
  ],
  [
    "The.Lord.of.the.Rings.The.Fellowship.of.the.Ring.2001.EXTENDED.1080p.BluRay.x264-FSiHD.mkv",
    "The Lord of the Rings The Fellowship of the Ring",
    2001,
    "1080p",
    "bluray",
  ],
  ["Alien.1979.Directors.Cut.1080p.BluRay.x264-AMIABLE.mkv", "Alien", 1979, "1080p", "bluray"],
  [
    "Blade.Runner.1982.Final.Cut.1080p.BluRay.DTS.x264-ESiR.mkv",
    "Blade Runner",
    1982,
    "1080p",
    "bluray",
  ],
  ["Amelie.2001.576p.DVDRip.x264-GRP.mkv", "Amelie", 2001, "576p", "dvd"],
  ["Metropolis.1927.480p.DVDRip.XviD-GRP.avi", "Metropolis", 1927, "480p", "dvd"],
  ["Top.Gun.Maverick.2022.1080p.HDTV.x264-GRP.mkv", "Top Gun Maverick", 2022, "1080p", "hdtv"],
  ["Barbie.2023.HDCAM.x264-GRP.mkv", "Barbie", 2023, null, "cam"],
  ["The.Batman.2022.HDTS.x264-GRP.mkv", "The Batman", 2022, null, "telesync"],
  [
    "Everything.Everywhere.All.at.Once.2022.1080p.WEBRip.x264-RARBG.mp4",
    "Everything Everywhere All at Once",
    2022,
    "1080p",
    "webrip",
  ],
  [
    "Mad.Max.Fury.Road.2015.4K.HDR.DV.2160p.WEBDL.Ita.Eng.x265-NAHOM.mkv",
    "Mad Max Fury Road",
    2015,
    "2160p",
    "web-dl",
  ],
  ["Arrival (2016) [1080p] [BluRay] [5.1] [YTS.MX].mp4", "Arrival", 2016, "1080p", "bluray"],
  [
    "Knives Out (2019) (2160p BluRay x265 HEVC 10bit HDR AAC 7.1 Tigole).mkv",
    "Knives Out",
    2019,
    "2160p",
    "bluray",
  ],
  ["Parasite (2019) [REMUX 1080p].mkv", "Parasite", 2019, "1080p", "remux"],
  ["Joker.2019.mkv", "Joker", 2019, null, null],
  ["Malcolm.X.1992.1080p.BluRay.x264-GRP.mkv", "Malcolm X", 1992, "1080p", "bluray"],
  [
    "E.T.the.Extra-Terrestrial.1982.1080p.BluRay.x264-GRP.mkv",
    "E.T. the Extra-Terrestrial",
    1982,
    "1080p",
    "bluray",
  ],
  ["S.W.A.T.2003.720p.WEB-DL.mkv", "S.W.A.T.", 2003, "720p", "web-dl"],
  ["Mission.Impossible.3.2006.1080p.BluRay.mkv", "Mission Impossible 3", 2006, "1080p", "bluray"],
  ["Thor: The Dark World 2013.mkv", "Thor The Dark World", 2013, null, null],
  ["Ocean's.Eleven.2001.1080p.BluRay.mkv", "Ocean's Eleven", 2001, "1080p", "bluray"],
  ["WALL-E.2008.1080p.BluRay.mkv", "WALL-E", 2008, "1080p", "bluray"],
  ["Léon.1994.Extended.1080p.BluRay.mkv", "Léon", 1994, "1080p", "bluray"],
  ["The_Matrix_1999_480p_DVDRip.avi", "The Matrix", 1999, "480p", "dvd"],
  ["Heat (1995).mkv", "Heat", 1995, null, null],
];

Deno.test("parseMoviePath reads title, year, resolution and source from real release names", () => {
  assert(RELEASES.length >= 60, `only ${RELEASES.length} names`);
  for (const [name, title, year, resolution, source] of RELEASES) {
    check(name, { title, year, resolution, source });
  }
});

Deno.test("parseMoviePath never guesses a resolution or source the name does not state", () => {
  check("The.Matrix.1999.1080p.mkv", { resolution: "1080p", source: null });
  check("The.Matrix.1999.BluRay.mkv", { resolution: null, source: "bluray" });
  check("The.Matrix.1999.DVDRip.mkv", { resolution: null, source: "dvd" });
  check("The.Matrix.1999.540p.mkv", { resolution: null });
});

Deno.test("parseMoviePath gives one identity key to the versions of a film", () => {
  const paths = [
    "The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv",
    "The Matrix (1999)/The Matrix (1999) - 2160p.mkv",
    "The.Matrix.1999.720p.mkv",
    "the matrix (1999).mkv",
    "THE_MATRIX_1999_480p.avi",
  ];
  const keys = new Set(paths.map((p) => parseMoviePath(p).identityKey));
  assertEquals([...keys], ["title:the matrix:1999"]);
  check("The Matrix (1999)/The Matrix (1999) - 2160p.mkv", {
    title: "The Matrix",
    year: 1999,
    resolution: "2160p",
  });
});

Deno.test("parseMoviePath tells several versions in one folder apart by resolution and edition", () => {
  const a = check("Movie (2010)/Movie (2010) - 1080p.mkv", {
    title: "Movie",
    year: 2010,
    resolution: "1080p",
    edition: null,
  });
  const b = check("Movie (2010)/Movie (2010) - 2160p HDR.mkv", {
    title: "Movie",
    year: 2010,
    resolution: "2160p",
  });
  const c = check("Movie (2010)/Movie (2010) - Director's Cut.mkv", {
    title: "Movie",
    edition: "Director's Cut",
  });
  assertEquals(new Set([a.identityKey, b.identityKey, c.identityKey]).size, 1);
});

Deno.test("parseMoviePath reads parts as Jellyfin stacks them, and keeps them one film", () => {
  const cd1 = check("Movie (2001)/cd1.avi", { title: "Movie", year: 2001, part: 1 });
  const cd2 = check("Movie (2001)/cd2.avi", { title: "Movie", year: 2001, part: 2 });
  assertEquals(cd1.identityKey, cd2.identityKey);
  check("Movie (2001)/Movie (2001) cd 2.avi", { title: "Movie", part: 2 });
  check("Movie (2001)/Movie.2001.disc1.mkv", { title: "Movie", part: 1 });
  check("Movie (2001)/Movie (2001) - disk2.mkv", { title: "Movie", part: 2 });
  check("Movie (2001)/Movie (2001) part3.mkv", { title: "Movie", part: 3 });
  check("Movie (2001)/Movie (2001) - pt4.mkv", { title: "Movie", part: 4 });
  check("Movie (2001)/Movie (2001) dvd1.mkv", { title: "Movie", part: 1 });
  check("Movie (2001)/Movie (2001) [Part 2].mkv", { title: "Movie", part: 2 });
  check("Movie (2001)/Movie (2001) part b.mkv", { title: "Movie", part: 2 });
  check("Movie (2001)/Movie-a.avi", { title: "Movie", year: 2001, part: 1 });
  check("Movie (2001)/Movie - b.avi", { title: "Movie", year: 2001, part: 2 });
  check("Movie (2001)/CD2/movie.avi", { title: "Movie", year: 2001, part: 2 });
  check("Movie.2001.CD1.avi", { title: "Movie", year: 2001, part: 1 });
  check("Some.Movie.2010.part2.mkv", { title: "Some Movie", year: 2010, part: 2 });
  check("movie cd2.avi", { title: "movie", part: 2 });
});

Deno.test("parseMoviePath leaves Part and letters that belong to a title alone", () => {
  check("Harry Potter and the Deathly Hallows Part 2.mkv", {
    title: "Harry Potter and the Deathly Hallows Part 2",
    part: null,
  });
  check("Harry Potter and the Deathly Hallows Part 1 (2010)/Harry.Potter.2010.1080p.mkv", {
    title: "Harry Potter and the Deathly Hallows Part 1",
    part: null,
  });
  check("Kill.Bill.Vol.1.2003.1080p.mkv", { title: "Kill Bill Vol 1", part: null });
  check("Plan-B.mkv", { title: "Plan-B", part: null });
  check("Rocky 2 (1979).mkv", { title: "Rocky 2", year: 1979, part: null });
});

Deno.test("parseMoviePath takes TMDb and IMDb ids from the name in every common syntax", () => {
  const cases: [string, number | null, string | null][] = [
    ["The Matrix (1999) {tmdb-603}.mkv", 603, null],
    ["The Matrix (1999) [tmdbid-603].mkv", 603, null],
    ["The Matrix (1999) {tmdbid=603}.mkv", 603, null],
    ["The Matrix (1999) [tmdbid=603].mkv", 603, null],
    ["The Matrix (1999) [imdbid-tt0133093].mkv", null, "tt0133093"],
    ["The Matrix (1999) {imdb-tt0133093}.mkv", null, "tt0133093"],
    ["The Matrix (1999) tt0133093.mkv", null, "tt0133093"],
    ["The.Matrix.1999.tt0133093.1080p.mkv", null, "tt0133093"],
    ["The Matrix (1999) [tmdbid-603] [imdbid-tt0133093].mkv", 603, "tt0133093"],
    ["The Matrix (1999) [TMDBID-603].mkv", 603, null],
    ["The Matrix (1999) [imdbid-TT10872600].mkv", null, "tt10872600"],
  ];
  for (const [name, tmdbId, imdbId] of cases) {
    check(name, { title: "The Matrix", year: 1999, tmdbId, imdbId });
  }
  assertEquals(parseMoviePath("The Matrix (1999) [tmdbid-603].mkv").identityKey, "tmdb:603");
  assertEquals(parseMoviePath("The Matrix [imdbid-tt0133093].mkv").identityKey, "imdb:tt0133093");
});

Deno.test("parseMoviePath ignores id look-alikes that are not ids", () => {
  check("Matt0133093.mkv", { imdbId: null });
  check("The Matrix (1999) [tmdbid-abc].mkv", { title: "The Matrix", tmdbId: null });
  check("tt123.mkv", { imdbId: null, title: "tt123" });
  check("The Matrix (1999) {tvdb-12345}.mkv", { title: "The Matrix", tmdbId: null, imdbId: null });
});

Deno.test("parseMoviePath takes ids from parent folders when the file has none", () => {
  const film = check("The Matrix (1999) [tmdbid-603]/The.Matrix.1999.1080p.BluRay.mkv", {
    title: "The Matrix",
    year: 1999,
    tmdbId: 603,
    resolution: "1080p",
    identityKey: "tmdb:603",
  });
  const other = parseMoviePath("The Matrix (1999) [tmdbid-603]/movie.mkv");
  assertEquals(other.identityKey, film.identityKey);
  check("Sci-Fi {imdb-tt0133093}/The Matrix (1999)/movie.mkv", { imdbId: "tt0133093" });
  check("The Matrix (1999) [tmdbid-603]/The Matrix (1999) [tmdbid-604].mkv", { tmdbId: 604 });
});

Deno.test("parseMoviePath lets a folder named Title (Year) win the title", () => {
  check("The Matrix (1999)/The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv", { title: "The Matrix" });
  check("Amélie (2001)/Le.Fabuleux.Destin.d.Amelie.Poulain.2001.1080p.mkv", {
    title: "Amélie",
    year: 2001,
  });
  check("Blade Runner (1982) {edition-Final Cut}/Blade Runner (1982).mkv", {
    title: "Blade Runner",
    edition: "Final Cut",
  });
  check("Heat (1995)/Heat.mkv", { title: "Heat", year: 1995 });
});

Deno.test("parseMoviePath falls back to the folder for poor file names", () => {
  for (const file of ["movie.mkv", "VTS_01_1.mkv", "title_t00.mkv", "00000.m2ts", "1080p.mkv"]) {
    check(`Heat (1995)/${file}`, { title: "Heat", year: 1995, identityKey: "title:heat:1995" });
  }
  check("Heat/movie.mkv", { title: "Heat", year: null });
  check("Heat.1995.1080p.BluRay.x264-GRP/grp-heat-1080p.mkv", { resolution: "1080p" });
  check("Heat (1995)/1080p.mkv", { resolution: "1080p" });
  check("Heat.1995.1080p.BluRay.x264-GRP/movie.mkv", {
    title: "Heat",
    year: 1995,
    resolution: "1080p",
    source: "bluray",
  });
});

Deno.test("parseMoviePath keeps a file with another year as another film, without the folder's ids", () => {
  check("The Matrix (1999) [tmdbid-603]/The.Matrix.Reloaded.2003.mkv", {
    title: "The Matrix Reloaded",
    year: 2003,
    tmdbId: null,
    identityKey: "title:the matrix reloaded:2003",
  });
});

Deno.test("parseMoviePath reads a file at the library root, poor names as they are", () => {
  check("Heat.1995.REMASTERED.2160p.UHD.BluRay.mkv", {
    title: "Heat",
    year: 1995,
    edition: "Remastered",
    resolution: "2160p",
    source: "bluray",
    part: null,
  });
  check("movie.mkv", { title: "movie", year: null });
  check("VTS_01_1.mkv", { title: "VTS_01_1", year: null });
  check("cd1.avi", { title: "cd1", part: 1 });
});

Deno.test("parseMoviePath reads editions, Plex's {edition-...} first", () => {
  const cases: [string, string | null][] = [
    ["Alien.1979.Directors.Cut.1080p.BluRay.mkv", "Director's Cut"],
    ["Alien (1979) - Director's Cut.mkv", "Director's Cut"],
    ["The.Outsiders.DC.1983.BDRip.mkv", "Director's Cut"],
    ["Avatar.2009.Extended.1080p.mkv", "Extended"],
    ["Avatar.2009.Extended.Edition.1080p.mkv", "Extended Edition"],
    ["Avatar.2009.Extended.Cut.1080p.mkv", "Extended Cut"],
    ["Anchorman.2004.UNRATED.720p.mkv", "Unrated"],
    ["Watchmen.2009.Theatrical.1080p.mkv", "Theatrical"],
    ["Heat.1995.REMASTERED.2160p.mkv", "Remastered"],
    ["Interstellar.2014.IMAX.2160p.mkv", "IMAX"],
    ["Seven.Samurai.1954.Criterion.1080p.mkv", "Criterion"],
    ["Seven.Samurai.1954.Criterion.Collection.1080p.mkv", "Criterion Collection"],
    ["Gladiator.2000.EXTENDED.REMASTERED.1080p.mkv", "Extended, Remastered"],
    ["Casino.10TH.ANNiVERSARY.1995.DVDRiP.avi", "10th Anniversary"],
    ["Aliens.1986.Special.Edition.1080p.mkv", "Special Edition"],
    ["Blade.Runner.1982.Final.Cut.1080p.mkv", "Final Cut"],
    ["Some Movie (2000) {edition-Director's Cut}.mkv", "Director's Cut"],
    ["Some Movie (2000) {edition-Extended} - 1080p.mkv", "Extended"],
    ["The.Final.Countdown.1980.1080p.mkv", null],
    ["Extended.Stay.2010.1080p.mkv", null],
    ["Special.Forces.2011.1080p.mkv", null],
  ];
  for (const [name, edition] of cases) check(name, { edition });
  check("Some Movie (2000) {edition-Director's Cut}.mkv", { title: "Some Movie", year: 2000 });
});

Deno.test("parseMoviePath keeps numbers that are titles apart from years", () => {
  check("1917 (2019)/1917 (2019).mkv", { title: "1917", year: 2019 });
  check("1917.2019.1080p.BluRay.mkv", { title: "1917", year: 2019 });
  check("1917.mkv", { title: "1917", year: null });
  check("2001 A Space Odyssey (1968).mkv", { title: "2001 A Space Odyssey", year: 1968 });
  check("2001.A.Space.Odyssey.1968.1080p.mkv", { title: "2001 A Space Odyssey", year: 1968 });
  check("300.2006.1080p.mkv", { title: "300", year: 2006, resolution: "1080p" });
  check("Blade Runner 2049 (2017)/Blade Runner 2049 (2017).mkv", {
    title: "Blade Runner 2049",
    year: 2017,
  });
  check("2049.mkv", { title: "2049", year: null });
  check("Movies/21.mkv", { title: "21", year: null });
});

Deno.test("parseMoviePath keeps long titles with dashes and episode numbers whole", () => {
  check("Star Wars Episode V - The Empire Strikes Back (1980)/movie.mkv", {
    title: "Star Wars Episode V - The Empire Strikes Back",
    year: 1980,
  });
  check("Star.Wars.Episode.V.The.Empire.Strikes.Back.1980.1080p.BluRay.mkv", {
    title: "Star Wars Episode V The Empire Strikes Back",
    year: 1980,
  });
});

Deno.test("parseMoviePath gives NFC and NFD names the same title and identity key", () => {
  const nfc = "Amélie (2001)/Amélie.2001.1080p.BluRay.mkv";
  const nfd = nfc.normalize("NFD");
  assertNotEquals(nfc, nfd);
  const a = parseMoviePath(nfc);
  const b = parseMoviePath(nfd);
  assertEquals(a, b);
  assertEquals(a.title, "Amélie");
  assertEquals(a.title, a.title.normalize("NFC"));
  assertEquals(a.identityKey, "title:amelie:2001");
  assertEquals(parseMoviePath("Amelie (2001).mkv").identityKey, a.identityKey);
  check("Café.2016.1080p.mkv".normalize("NFD"), { title: "Café", year: 2016 });
});

Deno.test("parseMoviePath keeps right-to-left and other non-Latin titles whole", () => {
  check("אהבה (2010)/אהבה.2010.1080p.BluRay.mkv", {
    title: "אהבה",
    year: 2010,
    resolution: "1080p",
    source: "bluray",
    identityKey: "title:אהבה:2010",
  });
  check("אהבה.2010.1080p.BluRay.mkv", { title: "אהבה", year: 2010 });
  check("القاهرة.2015.720p.WEB-DL.mkv", { title: "القاهرة", year: 2015, source: "web-dl" });
  check("عمارة يعقوبيان (2006).mkv", { title: "عمارة يعقوبيان", year: 2006 });
  check("日本の映画.2019.1080p.WEBRip.mkv", { title: "日本の映画", year: 2019 });
  check("Дом.2011.720p.mkv", { title: "Дом", year: 2011 });
  // A bidi mark copied with a title does not change what film it is.
  assertEquals(
    parseMoviePath("\u200fאהבה (2010).mkv").identityKey,
    parseMoviePath("אהבה (2010).mkv").identityKey,
  );
});

Deno.test("parseMoviePath keeps quotes and shell characters as plain text", () => {
  check(`It's a "Quote" (1999).mkv`, { title: `It's a "Quote"`, year: 1999 });
  check(`"Weird" Al (2000).mkv`, { title: `"Weird" Al`, year: 2000 });
  check("Schindler's List (1993).mkv", { identityKey: "title:schindlers list:1993" });
  check("$(rm -rf) (2000).mkv", { title: "$(rm -rf)", year: 2000 });
  check("$(rm -rf ~).mkv", { title: "$(rm -rf ~)" });
  check("`whoami`; ls (2001).mkv", { title: "`whoami`; ls", year: 2001 });
});

Deno.test("parseMoviePath copes with a leading dash, a newline and 255-byte names", () => {
  check("-leading (2000).mkv", { title: "leading", year: 2000 });
  check("--help.mkv", { title: "help" });
  check("Bad\nName (2000).mkv", { title: "Bad Name", year: 2000 });
  check("Bad\nName (2000)/movie.mkv", { title: "Bad Name", year: 2000 });
  const ascii = `${"A".repeat(251)}.mkv`;
  const umlauts = `${"Ä".repeat(125)}.mkv`;
  const long = `${"Long Title ".repeat(21)}(1999).mkv`;
  for (const name of [ascii, umlauts, long]) {
    assertEquals(new TextEncoder().encode(name).length <= 255, true);
    const p = parseMoviePath(name);
    assert(p.title.length > 0, name);
    assert(p.identityKey.startsWith("title:"), name);
  }
  assertEquals(parseMoviePath(umlauts).title, "Ä".repeat(125));
  check(long, { year: 1999 });
});

Deno.test("parseMoviePath never throws and falls back to the bare name", () => {
  const odd = [
    "",
    "/",
    ".mkv",
    "...",
    "-",
    "()",
    "[]{}",
    "(2000).mkv",
    "\0.mkv",
    "\ud800.mkv",
    "a/b/c/d/e/f/g.mkv",
    ".".repeat(250),
    "-".repeat(250),
    `${"(".repeat(120)}${")".repeat(120)}`,
    "1999.".repeat(50),
    `[${"tmdbid-1".repeat(30)}]`,
  ];
  for (const name of odd) {
    const p = parseMoviePath(name);
    assertEquals(typeof p.title, "string", JSON.stringify(name));
    assert(!p.title.includes("\0") && p.title.isWellFormed(), JSON.stringify(name));
    assert(p.identityKey.length > 0, JSON.stringify(name));
  }
  check("Some.Name.Without.Anything.mkv", { title: "Some Name Without Anything", year: null });
});

Deno.test("parseMoviePath sort titles drop articles, accents, and pad numbers", () => {
  const sort = (p: string) => parseMoviePath(p).sortTitle;
  assertEquals(sort("The Matrix (1999).mkv"), "matrix");
  assertEquals(sort("A Quiet Place (2018).mkv"), "quiet place");
  assertEquals(sort("An American Werewolf in London (1981).mkv"), "american werewolf in london");
  assertEquals(sort("Das Boot (1981).mkv"), "boot");
  assertEquals(sort("Der Untergang (2004).mkv"), "untergang");
  assertEquals(sort("Le Samouraï (1967).mkv"), "samourai");
  assertEquals(sort("Les Misérables (2012).mkv"), "miserables");
  assertEquals(sort("L'Auberge espagnole (2002).mkv"), "auberge espagnole");
  assertEquals(sort("El Laberinto del Fauno (2006).mkv"), "laberinto del fauno");
  assertEquals(sort("Los Olvidados (1950).mkv"), "olvidados");
  assertEquals(sort("Die Hard (1988).mkv"), "die hard");
  assertEquals(sort("The (2000).mkv"), "the");
  assertEquals(sort("Amélie (2001).mkv"), "amelie");
  assertEquals(sort("(500) Days of Summer (2009).mkv"), "000500 days of summer");
  const rockies = ["Rocky 10.mkv", "Rocky 2.mkv", "Rocky.mkv", "Rocky 3.mkv"].map(sort).sort();
  assertEquals(rockies, ["rocky", "rocky 000002", "rocky 000003", "rocky 000010"]);
});

Deno.test("foldTitle closes acronyms and folds case, accents and punctuation", () => {
  assertEquals(foldTitle("R.I.P.D."), foldTitle("RIPD"));
  assertEquals(foldTitle("Spider-Man"), "spider man");
  assertEquals(foldTitle("Fast & Furious"), "fast and furious");
  assertEquals(foldTitle("Straße"), "strasse");
  assertEquals(foldTitle("Amélie"), foldTitle("Ame\u0301lie"));
  assertEquals(foldTitle("Mission: Impossible"), "mission impossible");
  assertEquals(foldTitle("WALL·E"), "wall e");
});

Deno.test("parseSubtitleName matches the longest video name and reads the tags", () => {
  const videos = ["Film.mkv", "Film.Extended.mkv", "Other (2001).mp4"];
  const cases: [string, string | null, Record<string, unknown>][] = [
    ["Film.srt", "Film.mkv", { language: null, title: null, format: "srt" }],
    ["Film.en.srt", "Film.mkv", { language: "eng", forced: false }],
    ["Film.eng.forced.srt", "Film.mkv", { language: "eng", forced: true }],
    ["Film.English.SDH.srt", "Film.mkv", { language: "eng", sdh: true }],
    ["Film.fr.default.ass", "Film.mkv", { language: "fre", default: true, format: "ass" }],
    ["Film.fra.ssa", "Film.mkv", { language: "fre", format: "ssa" }],
    ["Film.pt-BR.vtt", "Film.mkv", { language: "por", title: "pt-BR", format: "vtt" }],
    ["Film.Extended.de.srt", "Film.Extended.mkv", { language: "ger" }],
    ["FILM.EXTENDED.DE.SRT", "Film.Extended.mkv", { language: "ger", format: "srt" }],
    ["Film.en.cc.srt", "Film.mkv", { language: "eng", sdh: true }],
    ["Film.hi.srt", "Film.mkv", { language: null, sdh: true }],
    ["Film.hindi.srt", "Film.mkv", { language: "hin", sdh: false }],
    ["Film.foreign.srt", "Film.mkv", { forced: true }],
    ["Film.en.Commentary.srt", "Film.mkv", { language: "eng", title: "Commentary" }],
    ["Film.Director's Commentary.en.srt", "Film.mkv", {
      language: "eng",
      title: "Director's Commentary",
    }],
    ["Other (2001).ja.srt", "Other (2001).mp4", { language: "jpn" }],
    ["Filmography.en.srt", null, { language: "eng" }],
  ];
  for (const [sub, video, expected] of cases) {
    const got = parseSubtitleName(sub, videos);
    const picked = Object.fromEntries(
      Object.keys(expected).map((k) => [k, got.subtitle[k as keyof typeof got.subtitle]]),
    );
    assertEquals({ video: got.video, ...picked }, { video, ...expected }, sub);
  }
});

Deno.test("parseSubtitleName gives a folder's only video the subtitles that match nothing", () => {
  const only = ["Film (2000).mkv"];
  assertEquals(parseSubtitleName("English.srt", only), {
    video: "Film (2000).mkv",
    subtitle: {
      language: "eng",
      forced: false,
      sdh: false,
      default: false,
      title: null,
      format: "srt",
    },
  });
  assertEquals(parseSubtitleName("2_English.forced.srt", only).subtitle.forced, true);
  assertEquals(parseSubtitleName("2_English.forced.srt", only).subtitle.language, "eng");
  // Only trailing tags count when the name is not the video's: "It" is no Italian tag here.
  assertEquals(parseSubtitleName("Shut.It.Down.srt", only).subtitle.language, null);
  assertEquals(parseSubtitleName("English.srt", ["a.mkv", "b.mkv"]).video, null);
  assertEquals(parseSubtitleName("English.srt", []).video, null);
});

Deno.test("parseSubtitleName compares NFC and NFD names alike, and paths by their file name", () => {
  const video = "Amélie (2001).mkv";
  const sub = "Amélie (2001).fr.srt".normalize("NFD");
  assertEquals(parseSubtitleName(sub, [video, "Other.mkv"]).video, video);
  assertEquals(
    parseSubtitleName(`dir/${sub}`, [`dir/${video}`, "Other.mkv"]).video,
    `dir/${video}`,
  );
  assertEquals(parseSubtitleName("אהבה.he.srt", ["אהבה.mkv", "x.mkv"]).subtitle.language, "heb");
  assertEquals(
    parseSubtitleName("$(rm -rf).en.srt", ["$(rm -rf).mkv", "x.mkv"]).video,
    "$(rm -rf).mkv",
  );
});

Deno.test("parseSubtitleName refuses a name that is no text subtitle", () => {
  assertThrows(() => parseSubtitleName("Film.sub", ["Film.mkv"]), RangeError);
  assertThrows(() => parseSubtitleName("Film.mkv", ["Film.mkv"]), RangeError);
  assertThrows(() => parseSubtitleName(".srt", ["Film.mkv"]), RangeError);
});
