/**
 * What each permission allows, in the UI's language. English is the
 * catalog's own text (`lib/model/permission_catalog.ts`, also shown by the
 * API); the other languages translate it here, by permission name.
 */
import type { PermissionInfo } from "../../model/permission_catalog.ts";
import type { Lang } from "./translate.ts";

/** German descriptions, by permission name. */
export const PERMISSIONS_DE: Readonly<Record<string, string>> = {
  "self:read": "Die eigenen Sitzungen und API-Schlüssel sehen",
  "self:update":
    "Das eigene Profil und Passwort ändern, eigene Sitzungen beenden, eigene API-Schlüssel verwalten",
  "users:read": "Benutzer auflisten und ansehen",
  "users:update":
    "Benutzer ändern, sperren und freigeben, ihre Passwörter zurücksetzen, ihre Sitzungen und Schlüssel widerrufen",
  "users:manage": "Benutzer anlegen und löschen, Rollen und Zugriff auf Bibliotheken zuweisen",
  "roles:read": "Rollen und Berechtigungen auflisten",
  "roles:manage": "Rollen anlegen, ändern und löschen",
  "audit:read": "Das Prüfprotokoll lesen",
  "settings:read": "Die Servereinstellungen lesen",
  "settings:manage": "Die Servereinstellungen ändern",
  "libraries:read": "Die freigegebenen Bibliotheken durchsuchen",
  "libraries:manage": "Bibliotheken anlegen, ändern, scannen und löschen; alle sehen",
  "movies:read": "Filme und ihre Metadaten ansehen",
  "movies:manage": "Filme und ihre Metadaten bearbeiten und löschen",
  "collections:manage": "Eigene Sammlungen anlegen, umbenennen, füllen und löschen",
  "playback:stream": "Filme abspielen (direkt und umverpackt)",
  "playback:transcode": "Filme vom Server umgewandelt abspielen",
  "playback:manage": "Die laufenden Wiedergaben aller sehen und beenden",
  "requests:read": "Filmwünsche sehen",
  "requests:create": "Filme wünschen",
  "requests:manage": "Wünsche annehmen, ablehnen und löschen",
  "content:moderate": "Inhalte der Benutzer moderieren",
  "jobs:read": "Hintergrundaufgaben und Warteschlangen sehen",
  "jobs:manage": "Hintergrundaufgaben wiederholen, abbrechen und planen",
  "backups:read": "Die Sicherungen des Servers auflisten",
  "backups:manage": "Jetzt eine Sicherung des Servers anlegen",
};

/** The description of `p` in `lang` (the catalog's English where no translation exists). */
export function permissionDescription(lang: Lang, p: PermissionInfo): string {
  return (lang === "de" ? PERMISSIONS_DE[p.name] : undefined) ?? p.description;
}
