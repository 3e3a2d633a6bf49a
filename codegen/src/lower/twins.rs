//! Pairing the `/api` and `/rest` forms of one operation into one [`Operation`].

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::Loc;
use crate::model::{BodyKind, Operation, Param, Place, SessionRole, Ty, TypeKey};

use super::Lowering;
use super::operation::{Draft, Style};
use super::schema::required_of;

impl Lowering<'_> {
    /// Pairs the `/api` and `/rest` drafts of one operation. Twins named by
    /// `x-vsphere-operation` must agree; twins found only by module and operationId that do not
    /// agree are two operations, the `/rest` one suffixed `_rest`.
    pub(super) fn merge(
        &mut self,
        drafts: Vec<Draft>,
    ) -> Result<Vec<(String, Operation)>, Diagnostic> {
        let mut api: Option<Draft> = None;
        let mut rest: Option<Draft> = None;
        // Drafts that meet another of their style under one method name stay operations of
        // their own; inserting them numbers their names with a warning.
        let mut extra: Vec<(String, Operation)> = Vec::new();
        for draft in drafts {
            let slot = if draft.style == Style::Rest {
                &mut rest
            } else {
                &mut api
            };
            if slot.is_some() {
                extra.push((draft.method_name.clone(), single(draft, None)));
                continue;
            }
            *slot = Some(draft);
        }
        let files = self.files;
        match (api, rest) {
            (Some(api), Some(rest)) => {
                let declared = api.declared || rest.declared;
                let name = api.method_name.clone();
                let rest = self.rest_map_as_list(&api, rest);
                let wraps = self.api_body_wraps_envelope(&api, &rest);
                let mut operations = match pair(files, &api, &rest, wraps) {
                    Ok(operation) => vec![(name, operation)],
                    Err(e) => {
                        // Declared twins that disagree are a spec mistake worth a warning; both
                        // forms stay callable.
                        if declared {
                            let mut warning = e;
                            warning.severity = crate::diagnostic::Severity::Warning;
                            warning.kind = crate::diagnostic::Finding::Degraded;
                            warning.message = format!(
                                "{}; the `/rest` form is generated as a method of its own",
                                warning.message
                            );
                            self.warn(warning);
                        }
                        vec![
                            (name, single(api, None)),
                            (format!("{}_rest", rest.method_name), single(rest, None)),
                        ]
                    }
                };
                operations.extend(extra);
                Ok(operations)
            }
            (Some(only), None) | (None, Some(only)) => {
                let mut operations = vec![(only.method_name.clone(), single(only, None))];
                operations.extend(extra);
                Ok(operations)
            }
            (None, None) => Ok(extra),
        }
    }
}

impl<'a> Lowering<'a> {
    /// VMware's `/rest` forms may spell a map result as a list of `{key, value}` structures of
    /// their own where the `/api` form has the map itself. Both are one map, which the client
    /// reads as a key/value list under `/rest` anyway, so the `/rest` draft takes the map type.
    fn rest_map_as_list(&mut self, api: &Draft, mut rest: Draft) -> Draft {
        let (
            Some(Ty::Map {
                key,
                value,
                rest_list: true,
            }),
            Some(Ty::List(item)),
        ) = (&api.result, &rest.result)
        else {
            return rest;
        };
        let Ty::Named(item) = item.as_ref() else {
            return rest;
        };
        let Some((item_key, item_value)) = self.key_value_item(item) else {
            return rest;
        };
        // The list's keys may be typed less precisely (no resource type stated there).
        if unify(&item_key, key).is_some() && unify(&item_value, value).is_some() {
            rest.result = api.result.clone();
        }
        rest
    }

    /// The key and value types of a structure that has exactly the properties `key` and `value`.
    fn key_value_item(&mut self, item: &TypeKey) -> Option<(Ty, Ty)> {
        let (loc, schema) = self.struct_schema(item)?;
        if property_names(schema) != BTreeSet::from(["key", "value"]) {
            return None;
        }
        let key = self.property_ty(item, &loc, "key").ok()?;
        let value = self.property_ty(item, &loc, "value").ok()?;
        Some((key, value))
    }

    /// Whether the `/api` body is a structure whose properties are exactly the members of the
    /// `/rest` envelope, with the same types and required-ness (`{duration}` sent bare as
    /// `Renew {duration}`): then the two carry the same object and pair as one envelope, even
    /// when the envelope has a single member.
    fn api_body_wraps_envelope(&mut self, api: &Draft, rest: &Draft) -> bool {
        if api.endpoint.body != BodyKind::Bare || rest.endpoint.body != BodyKind::Envelope {
            return false;
        }
        let rest_members: Vec<&Param> = rest
            .params
            .iter()
            .filter(|p| p.place == Place::Body)
            .collect();
        let Some(Ty::Named(body)) = api
            .params
            .iter()
            .find(|p| p.place == Place::Body)
            .map(|p| &p.ty)
        else {
            return false;
        };
        if let [only] = rest_members.as_slice()
            && only.ty == Ty::Named(body.clone())
        {
            return false;
        }
        let Some((loc, schema)) = self.struct_schema(body) else {
            return false;
        };
        let wire: BTreeSet<&str> = rest_members.iter().map(|p| p.wire.as_str()).collect();
        if property_names(schema) != wire {
            return false;
        }
        let required = required_of(schema);
        rest_members.iter().all(|member| {
            let same_type = self
                .property_ty(body, &loc, &member.wire)
                .is_ok_and(|ty| unify(&ty, &member.ty).is_some());
            same_type && required.contains(&member.wire.as_str()) == member.required
        })
    }

    /// The schema of a registered structure, and where it is.
    fn struct_schema(&self, key: &TypeKey) -> Option<(Loc, &'a Value)> {
        let (loc, _) = self.type_owners.get(key)?;
        self.files.follow(loc).ok()
    }
}

/// A key two parameters have (their wire names differ only in punctuation: `a.b` and `a_b`).
fn shared_key(params: &[Param]) -> Option<&str> {
    let mut seen = BTreeSet::new();
    params
        .iter()
        .map(|p| p.key.as_str())
        .find(|key| !seen.insert(*key))
}

/// How a diagnostic names where a parameter travels.
fn place_name(place: Place) -> &'static str {
    match place {
        Place::Path => "path",
        Place::Query => "query",
        Place::Header => "headers",
        Place::Cookie => "cookies",
        Place::Body => "body",
    }
}

/// The property names of a schema.
fn property_names(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// `/api` sends the body bare and the envelope's other members in the query, as VMware's
/// `client_token` of create operations: the bare body is the one envelope member of its type,
/// and every other member is an `/api` query parameter of the same name and type. Then the body
/// takes that member's name and those query parameters travel in the envelope under `/rest`.
/// Returns whether `api` was rewritten so.
fn query_members_of_envelope(api: &mut Draft, rest_body: &[&Param]) -> bool {
    if api.endpoint.body != BodyKind::Bare || rest_body.len() < 2 {
        return false;
    }
    let Some(body) = api.params.iter().position(|p| p.place == Place::Body) else {
        return false;
    };
    let body_ty = api.params[body].ty.clone();
    let (members, others): (Vec<&Param>, Vec<&Param>) =
        rest_body.iter().partition(|r| r.ty == body_ty);
    let [member] = members.as_slice() else {
        return false;
    };
    let in_query = |r: &Param| {
        !r.idempotency_token
            && api
                .params
                .iter()
                .any(|p| p.key == r.key && p.place == Place::Query && unify(&p.ty, &r.ty).is_some())
    };
    if !others.iter().all(|r| in_query(r)) {
        return false;
    }
    let body = &mut api.params[body];
    body.key = member.key.clone();
    body.wire = member.wire.clone();
    for param in api.params.iter_mut() {
        if param.place == Place::Query && others.iter().any(|r| r.key == param.key) {
            param.rest_place = Some(Place::Body);
        }
    }
    true
}

/// The one type that two twins' types stand for: the same type, or one typed by an id where the
/// other is a plain string (its description stated no resource type).
fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        _ if a == b => Some(a.clone()),
        (Ty::Id(_), Ty::String) => Some(a.clone()),
        (Ty::String, Ty::Id(_)) => Some(b.clone()),
        (Ty::List(x), Ty::List(y)) => Some(Ty::List(Box::new(unify(x, y)?))),
        (
            Ty::Map {
                key: k1,
                value: v1,
                rest_list: r1,
            },
            Ty::Map {
                key: k2,
                value: v2,
                rest_list: r2,
            },
        ) if r1 == r2 => Some(Ty::Map {
            key: Box::new(unify(k1, k2)?),
            value: Box::new(unify(v1, v2)?),
            rest_list: *r1,
        }),
        _ => None,
    }
}

/// An operation from one draft, plus the other style's endpoint when paired.
fn single(draft: Draft, twin: Option<Draft>) -> Operation {
    let session = match draft.name.as_str() {
        "cis.session.create" => Some(SessionRole::Login),
        "cis.session.delete" => Some(SessionRole::Logout),
        _ => None,
    };
    let mut errors = draft.errors;
    let mut endpoints = [None, None];
    let slot = |style: Style| usize::from(style == Style::Rest);
    endpoints[slot(draft.style)] = Some(draft.endpoint);
    if let Some(twin) = twin {
        for error in twin.errors {
            if !errors.contains(&error) {
                errors.push(error);
            }
        }
        endpoints[slot(twin.style)] = Some(twin.endpoint);
    }
    let [api, rest] = endpoints;
    Operation {
        name: draft.name,
        origin: draft.loc,
        ident: String::new(),
        query: None,
        result_media: draft.result_media,
        body_media: draft.body_media,
        // Decided once every operation is read (the plain form may come later).
        task: draft
            .task
            .then_some(crate::model::TaskResult { result: None }),
        docs: draft.docs,
        summary: draft.summary,
        privileges: draft.privileges,
        errors,
        params: draft.params,
        result: draft.result,
        api,
        rest,
        session,
    }
}

/// The two forms as one operation, or why they are not the same operation.
fn pair(
    files: &crate::load::SpecFiles,
    api: &Draft,
    rest: &Draft,
    wraps: bool,
) -> Result<Operation, Diagnostic> {
    for draft in [api, rest] {
        if let Some(shared) = shared_key(&draft.params) {
            // Pairing goes by key; a key two parameters share could pair either of them.
            return Err(files
                .diagnostic(
                    &draft.loc,
                    format!(
                        "two parameters of `{}` are both `{shared}`, so neither can be paired with the other form's",
                        draft.endpoint.spec_path
                    ),
                )
                .help("give the parameters names that differ in more than punctuation"));
        }
    }
    let mut api = api.clone();
    let rest_body: Vec<&Param> = rest
        .params
        .iter()
        .filter(|p| p.place == Place::Body)
        .collect();
    let split = !wraps && query_members_of_envelope(&mut api, &rest_body);
    if !split && api.endpoint.body == BodyKind::Bare && rest.endpoint.body == BodyKind::Envelope {
        let api_body = api.params.iter().position(|p| p.place == Place::Body);
        if rest_body.len() == 1 && !wraps {
            // The bare `/api` body takes the name of the single `/rest` envelope member (`spec`).
            if let Some(body) = api_body.map(|i| &mut api.params[i]) {
                body.key = rest_body[0].key.clone();
                body.wire = rest_body[0].wire.clone();
                body.idempotency_token |= rest_body[0].idempotency_token;
            }
        }
        if let Some(i) = api_body
            && (wraps || api.params[i].key != rest_body.first().map_or("", |p| p.key.as_str()))
        {
            // `/api` wraps several (or non-structure) body parameters in one object whose
            // members are exactly the `/rest` envelope's: the same envelope, under another name.
            api.params.remove(i);
            if let Some(clash) = rest_body
                .iter()
                .find(|r| api.params.iter().any(|p| p.key == r.key))
            {
                // The same parameter travels in the query under `/api` and in the envelope under
                // `/rest`: not expressible as one parameter yet, so the twins stay two methods.
                return Err(files
                    .diagnostic(
                        &rest.loc,
                        format!(
                            "parameter `{}` travels in the body here but elsewhere in `{}`",
                            clash.key, api.endpoint.spec_path
                        ),
                    )
                    .help("twins must carry each parameter the same way"));
            }
            api.params.extend(rest_body.iter().map(|p| (*p).clone()));
            api.endpoint.body = BodyKind::Envelope;
        }
    }
    let result = match (&api.result, &rest.result) {
        (Some(a), Some(b)) => unify(a, b).map(Some),
        (None, None) => Some(None),
        _ => None,
    };
    let Some(result) = result else {
        return Err(files
            .diagnostic(
                &rest.loc,
                format!(
                    "the `/rest` form returns {:?} but the `/api` form `{}` returns {:?}",
                    rest.result, api.endpoint.spec_path, api.result
                ),
            )
            .help("twins must return the same structure"));
    };
    api.result = result;
    for param in &rest.params {
        let twin = api.params.iter_mut().find(|p| p.key == param.key);
        let unified = twin.as_ref().and_then(|t| unify(&t.ty, &param.ty));
        match (twin, unified) {
            // The same argument travels elsewhere under `/rest` (`/api`'s query parameter is an
            // envelope member of VMware's `?~action=get` forms, `/api`'s path id a `/rest` query
            // parameter): one argument, placed per style.
            (Some(twin), Some(ty)) if twin.place != param.place => {
                let placeable = twin.rest_place.is_none_or(|p| p == param.place)
                    && (param.place != Place::Body || rest.endpoint.body == BodyKind::Envelope)
                    && (param.place == Place::Query || twin.wire == param.wire)
                    && (twin.place != Place::Path && param.place != Place::Path
                        || twin.required && param.required);
                if !placeable {
                    return Err(files
                        .diagnostic(
                            &rest.loc,
                            format!(
                                "parameter `{}` travels in the {} here but in the {} of the `/api` form `{}`",
                                param.key,
                                place_name(param.place),
                                place_name(twin.place),
                                api.endpoint.spec_path
                            ),
                        )
                        .help("twins must carry each parameter the same way"));
                }
                twin.ty = ty;
                twin.required &= param.required;
                twin.rest_place = Some(param.place);
                if param.place == Place::Query && twin.wire != param.wire {
                    twin.rest_wire = Some(param.wire.clone());
                }
            }
            (Some(twin), Some(ty)) => {
                twin.ty = ty;
                twin.required &= param.required;
                if twin.place == Place::Query && twin.wire != param.wire {
                    twin.rest_wire = Some(param.wire.clone());
                }
            }
            (Some(twin), None) => {
                return Err(files
                    .diagnostic(
                        &rest.loc,
                        format!(
                            "parameter `{}` has type {:?} here but {:?} in the `/api` form `{}`",
                            param.key, param.ty, twin.ty, api.endpoint.spec_path
                        ),
                    )
                    .help("twins must share their structures"));
            }
            (None, _) => {
                return Err(files
                    .diagnostic(
                        &rest.loc,
                        format!(
                            "parameter `{}` exists only in the `/rest` form, not in `{}`",
                            param.key, api.endpoint.spec_path
                        ),
                    )
                    .help("twins must take the same parameters"));
            }
        }
    }
    if let Some(only_api) = api
        .params
        .iter()
        .find(|p| !rest.params.iter().any(|r| r.key == p.key))
    {
        return Err(files
            .diagnostic(
                &api.loc,
                format!(
                    "parameter `{}` exists only in the `/api` form, not in `{}`",
                    only_api.key, rest.endpoint.spec_path
                ),
            )
            .help("twins must take the same parameters"));
    }
    Ok(single(api, Some(rest.clone())))
}
